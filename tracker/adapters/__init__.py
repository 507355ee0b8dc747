"""What talks to the outside: the database, the network behind the address guard, the browser."""
