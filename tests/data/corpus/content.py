"""News prose from seeded templates: an article per (topic, seed), plus headlines of other stories.

The text is made up but reads like wire copy: people with roles, organisations, figures, dates,
quotes and sources linked inline ("According to <a>a report by ...</a>, ...").
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from tests.data.corpus.article import ArticleState, Block
from tests.data.corpus.text import esc, plain

FIRST = [
    "Maria",
    "Alvarez",
    "Tom",
    "Becker",
    "Priya",
    "Nair",
    "Daniel",
    "Okafor",
    "Sarah",
    "Lindqvist",
    "James",
    "Whitaker",
    "Amara",
    "Osei",
    "Hannah",
    "Brooks",
    "Luis",
    "Ortega",
    "Grace",
    "Kim",
    "Michael",
    "Brennan",
    "Fatima",
    "Rahman",
    "Oliver",
    "Grant",
    "Chloe",
    "Dubois",
    "Samuel",
    "Adeyemi",
    "Elena",
    "Petrova",
    "Ryan",
    "Gallagher",
    "Aisha",
    "Bello",
    "Noah",
    "Fischer",
    "Leah",
    "Goldberg",
    "Marcus",
    "Reed",
    "Yuki",
    "Tanaka",
    "Rebecca",
    "Stone",
    "Omar",
    "Haddad",
    "Isabel",
    "Cruz",
    "Patrick",
    "Doyle",
    "Nadia",
    "Kowalski",
    "Ethan",
    "Park",
    "Sophie",
    "Marchetti",
    "Kwame",
    "Mensah",
    "Laura",
    "Jensen",
    "David",
    "Moreau",
    "Ines",
    "Carvalho",
    "Victor",
    "Hale",
    "Zoe",
    "Whitfield",
    "Arjun",
    "Mehta",
    "Claire",
    "Donnelly",
    "Tobias",
    "Lang",
    "Mei",
    "Lin",
    "Andre",
    "Baptiste",
]
FIRST_NAMES = FIRST[0::2]
LAST_NAMES = FIRST[1::2]
PLACES = (
    "Harlow County",
    "Port Ellis",
    "Brenton",
    "Westmarch",
    "Lake Orin",
    "Callowby",
    "Redfield",
    "Ashford Vale",
    "North Tamsin",
    "Greyhaven",
    "Millbrook",
    "Stanmere",
    "Eastbury",
    "Corran Bay",
)
OUTLETS = (
    ("Reuters", "https://www.reuters.com/world/"),
    ("the Associated Press", "https://apnews.com/article/"),
    ("Bloomberg News", "https://www.bloomberg.com/news/articles/"),
    ("the Financial Times", "https://www.ft.com/content/"),
    ("The Wall Street Journal", "https://www.wsj.com/articles/"),
    ("Politico", "https://www.politico.com/news/"),
    ("the local Gazette", "https://www.gazette-news.example/news/"),
    ("Axios", "https://www.axios.com/"),
)
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


@dataclass(frozen=True)
class Topic:
    key: str
    section: str
    tags: tuple[str, ...]
    headlines: tuple[str, ...]
    deks: tuple[str, ...]
    slots: dict[str, tuple[str, ...]]
    sentences: tuple[str, ...]
    subheads: tuple[str, ...]
    items: tuple[str, ...]
    quotes: tuple[str, ...]
    roles: tuple[str, ...]


T = Topic
TOPICS: tuple[Topic, ...] = (
    T(
        "transit",
        "Local",
        ("transport", "budget"),
        (
            "{agency} approves {pct} fare increase for buses and trains in {place}",
            "Fares to rise {pct} as {agency} tries to close {amount} shortfall",
            "{place} commuters face steepest fare rise in a decade",
        ),
        ("The increase, the first since 2019, takes effect in {month} and will fund new night services.",),
        {
            "agency": (
                "the Regional Transit Authority",
                "the Metro Transit Board",
                "the Valley Transport Commission",
            ),
            "thing": ("the fare increase", "the new fare structure", "the service plan"),
        },
        (
            "The board voted {small} to {tiny} on {day} to raise the standard fare to {price}, with monthly passes rising to {price2}.",
            "Ridership on the network has recovered to about {pct} of its 2019 level, according to figures published by {agency} in {month}.",
            "Officials said the increase would raise roughly {amount} a year, money that would go toward {count} new buses and longer hours on the busiest routes.",
            "Disability advocates told the board that even a small rise would push some riders off the system entirely.",
            "The authority has drawn on federal relief money since 2020, but that funding runs out at the end of the fiscal year.",
            "Under the plan, riders over 65 and students would keep their discounted fares, and transfers would remain free for two hours.",
            "A union representing {count} bus drivers said it supported the extra services but warned that the authority still had too few operators to run them.",
            "The last fare increase, in 2019, was followed by a {pct2} drop in weekend ridership that took more than a year to reverse.",
            "Several board members said they would revisit the decision in {month} if ridership fell further.",
            "The authority also plans to introduce contactless payment on all routes by the end of {year}.",
        ),
        (
            "What the increase means for riders",
            "Why the authority says it has no choice",
            "Who is exempt",
            "What happens next",
        ),
        (
            "Standard single fare: {price}",
            "Monthly pass: {price2}",
            "Students and riders over 65: unchanged",
            "Transfers: free for two hours",
            "Night buses: every 20 minutes on six routes",
        ),
        (
            "We have cut everything we can cut without cutting service. This is the last lever we have.",
            "Nobody on this board wanted to vote for a fare increase, but the alternative was fewer buses.",
        ),
        (
            "chief executive of {agency}",
            "chair of the board",
            "a spokesperson for {agency}",
            "a member of the riders' advisory council",
        ),
    ),
    T(
        "lawsuit",
        "Technology",
        ("technology", "courts"),
        (
            "{company} sues {rival}, alleging breach of contract and defamation",
            "{company} takes {rival} to court over cancelled hosting deal",
            "{company} files {amount} lawsuit against {rival}",
        ),
        ("The complaint, filed in state court, says the shutdown cost the company millions of users.",),
        {
            "company": ("Vantor Systems", "Brightline Social", "Kestrel Apps", "Nimbus Chat"),
            "rival": ("Cloudway", "Stratus Web Services", "Orbital Hosting"),
            "thing": ("the lawsuit", "the complaint", "the case"),
        },
        (
            "The complaint, filed on {day} in {place}, accuses {rival} of cutting off the company's servers with less than 24 hours' notice.",
            "{company} is seeking damages of at least {amount}, according to the filing.",
            "A federal judge rejected the company's request for an emergency injunction in {month}, saying it had not shown that it was likely to win.",
            "The new suit drops the antitrust claims from the earlier case and focuses instead on the contract between the two companies.",
            "{rival} has said it repeatedly warned {company} about content on its platform that broke its terms of service.",
            "The company says it lost about {people} users in the weeks after the shutdown and has struggled to find another host.",
            "Lawyers for {company} argue that {rival} applied its rules selectively and did not give the company a chance to respond.",
            "Legal experts said the defamation claim would be difficult to prove because {rival}'s public statements were largely about its own policies.",
            "The case has been assigned to a judge who handled a similar dispute between two software companies in {year}.",
            "{company} relaunched in {month} on servers it says it now owns outright.",
        ),
        ("The complaint", "What the hosting company says", "A long fight", "What experts think"),
        (
            "Breach of contract",
            "Defamation",
            "Interference with business relationships",
            "Deceptive trade practices",
            "Damages of at least {amount}",
        ),
        (
            "There is no merit to these claims, and we will defend ourselves vigorously.",
            "This was never about one post. It was about a company deciding it could switch off a competitor overnight.",
        ),
        (
            "chief executive of {company}",
            "a lawyer for {company}",
            "a spokesperson for {rival}",
            "a law professor at Redfield University",
        ),
    ),
    T(
        "hospital",
        "Health",
        ("health", "hospitals"),
        (
            "Waiting times at {hospital} hit record as {count} patients wait more than a year",
            "{hospital} waiting lists grow by {pct} in twelve months",
            "Patients at {hospital} wait longer than ever for routine surgery",
        ),
        ("Managers blame staff shortages and a rise in emergency admissions over the winter.",),
        {
            "hospital": (
                "St Aldric's Hospital",
                "Harlow General",
                "the Royal Eastbury Infirmary",
                "Mercy Valley Medical Center",
            ),
            "thing": ("the waiting list", "the backlog", "the figures"),
        },
        (
            "Figures published on {day} show that {count} patients at {hospital} have waited more than 52 weeks for treatment.",
            "The median wait for a hip or knee replacement is now {weeks} weeks, up from {weeks2} weeks a year ago.",
            "The hospital said it had opened {small} extra operating theatres since {month} but could not staff them all.",
            "Emergency admissions rose {pct} over the winter, forcing managers to cancel hundreds of planned operations.",
            "Patients' groups said the figures hid a growing number of people who had given up waiting and paid for private treatment.",
            "The health board has promised {amount} to recruit nurses from overseas and to reopen a closed ward.",
            "About {pct2} of the hospital's nursing posts are vacant, according to the board's own papers.",
            "One patient, a retired teacher from {place}, said she had been waiting {weeks} weeks for cataract surgery and could no longer drive.",
            "Doctors' unions have warned that the pressure is driving experienced staff out of the profession.",
            "The board will publish a recovery plan in {month}, a spokesperson said.",
        ),
        ("The longest waits", "Why the backlog is growing", "What patients say", "The recovery plan"),
        (
            "Hip and knee replacements",
            "Cataract surgery",
            "Hernia repairs",
            "Diagnostic scans",
            "Skin cancer referrals",
        ),
        (
            "Every one of those numbers is a person in pain, waiting for a letter that does not come.",
            "We are doing more operations than ever, and still the list grows.",
        ),
        (
            "chief executive of {hospital}",
            "medical director at {hospital}",
            "chair of the local patients' association",
            "a senior nurse",
        ),
    ),
    T(
        "flood",
        "Environment",
        ("environment", "climate"),
        (
            "{place} to spend {amount} on flood defences after winter of storms",
            "New flood wall for {place} as river levels break records",
            "{place} flood plan approved after {count} homes were flooded",
        ),
        ("The scheme includes a new embankment, pumping stations and an early warning system.",),
        {
            "agency": ("the Environment Agency", "the River Authority", "the county flood board"),
            "river": ("River Orin", "River Tamsin", "Calder Water"),
            "thing": ("the flood scheme", "the defences", "the plan"),
        },
        (
            "The {river} rose to {meters} metres in {month}, the highest level since records began in 1881.",
            "About {count} homes and {small} businesses were flooded, many of them for the second time in five years.",
            "The scheme will be paid for by {agency} and the county council, with {amount} coming from central government.",
            "Construction is due to start in {month} and to be completed by the end of {year}.",
            "Residents have complained for years that insurance premiums in the area have become unaffordable.",
            "Engineers said the new embankment would protect the town against a flood that has a one-in-200 chance of happening in any year.",
            "Some residents questioned why the work would take so long, given that the plan was first proposed in 2016.",
            "The council has also set up a fund of {amount2} to help households install flood doors and pumps.",
            "Scientists say rising global temperatures are making heavy rainfall events more frequent and more intense.",
            "{agency} will hold public meetings on the plan in {place} over the next {small} weeks.",
        ),
        ("How high the river rose", "What the scheme includes", "Who pays", "When the work starts"),
        (
            "A 2.4-kilometre embankment along the {river}",
            "Two new pumping stations",
            "Flood gates at three road crossings",
            "River level sensors linked to a text alert service",
            "Grants for flood doors and pumps",
        ),
        (
            "We were told after the last flood that this would never happen again. Forgive us if we wait to see the wall before we believe it.",
            "This is the biggest investment in the town's defences for half a century.",
        ),
        (
            "area manager at {agency}",
            "the council's cabinet member for environment",
            "chair of the {place} Flood Action Group",
            "a hydrologist at the University of Westmarch",
        ),
    ),
    T(
        "schools",
        "Education",
        ("education", "schools"),
        (
            "{district} votes to close {small} schools as enrolment falls",
            "{small} schools in {place} to close under district plan",
            "Parents protest as {district} approves school closures",
        ),
        ("The district says falling birth rates have left thousands of empty seats.",),
        {
            "district": (
                "the Harlow Unified School District",
                "the Brenton Public Schools board",
                "the Eastbury Education Authority",
            ),
            "thing": ("the closure plan", "the consolidation", "the decision"),
        },
        (
            "The board approved the plan by {small} votes to {tiny} after a meeting that ran past midnight on {day}.",
            "Enrolment in the district has fallen by {pct} over the past decade, to about {count} pupils.",
            "The closures are expected to save {amount} a year, money the district says it will spend on teachers' pay.",
            "Pupils at the closing schools will move to neighbouring buildings from {month}.",
            "Parents at one of the schools collected {count2} signatures on a petition against the plan.",
            "Several parents said the new routes would mean walking along a busy road with no pavement.",
            "The district has promised to provide free buses for pupils who live more than two miles from their new school.",
            "Teachers at the affected schools will be offered posts elsewhere in the district, officials said.",
            "A similar round of closures in {year2} was followed by a rise in families moving to private and charter schools.",
            "The board will decide what to do with the empty buildings later this year.",
        ),
        (
            "Why the district says it must act",
            "Which schools close",
            "Parents' objections",
            "What happens to the buildings",
        ),
        (
            "Free buses for pupils living more than two miles away",
            "No teacher redundancies",
            "Class sizes capped at 28",
            "Buildings to be offered to community groups first",
            "A review of the plan after one year",
        ),
        (
            "You cannot keep a building open for 140 children that was built for 600.",
            "They are closing the schools in the neighbourhoods that have the least, again.",
        ),
        (
            "superintendent of {district}",
            "president of the board",
            "a parent at one of the closing schools",
            "head of the teachers' union local",
        ),
    ),
    T(
        "wildfire",
        "US",
        ("weather", "wildfires"),
        (
            "Wildfire near {place} forces {count} residents to evacuate",
            "Crews battle fast-moving fire outside {place} as winds pick up",
            "{place} fire grows to {acres} acres, {pct} contained",
        ),
        ("Officials warned that gusts of up to 60 mph could push the flames toward the town overnight.",),
        {
            "agency": ("the state forestry department", "the county fire service", "Cal Ridge Fire"),
            "thing": ("the fire", "the blaze", "the evacuation"),
        },
        (
            "The fire had burned about {acres} acres by {day} evening and was {pct} contained, {agency} said.",
            "More than {count} firefighters, {small} helicopters and several air tankers were assigned to the blaze.",
            "Evacuation orders covered about {count2} homes on the northern edge of town.",
            "The cause of the fire is under investigation.",
            "Forecasters expected humidity to stay below 10 percent through the weekend.",
            "A shelter at the {place} high school gym had taken in about {small} people by late afternoon.",
            "Power was cut to roughly {count} customers as a precaution against new fires sparked by damaged lines.",
            "Residents described packing their cars in minutes as ash fell on their driveways.",
            "The region has had less than half its normal rainfall since {month}.",
            "Officials said no deaths had been reported, but {tiny} firefighters were treated for heat exhaustion.",
        ),
        ("Evacuations", "The weather", "The fight from the air", "Where to find help"),
        (
            "Evacuation centre: {place} High School gym",
            "Large animals: county fairgrounds",
            "Road closures: Route 9 north of town",
            "Updates: county emergency text alerts",
            "Air quality: stay indoors if you can smell smoke",
        ),
        (
            "If you are told to go, go. Do not wait to see the flames.",
            "We have never seen fire move through this canyon this fast.",
        ),
        (
            "incident commander for {agency}",
            "the county sheriff",
            "a spokesperson for {agency}",
            "a resident of {place}",
        ),
    ),
    T(
        "rates",
        "Business",
        ("economy", "interest rates"),
        (
            "{bank} holds rates at {rate} as inflation cools",
            "{bank} signals cut later this year as prices ease",
            "Inflation falls to {pct}, giving {bank} room to cut rates",
        ),
        ("Policymakers said they needed more evidence that price rises were slowing before acting.",),
        {
            "bank": ("the Central Bank", "the Reserve Board", "the Monetary Policy Committee"),
            "thing": ("the decision", "the rate decision", "the statement"),
        },
        (
            "The committee voted {small} to {tiny} to keep the benchmark rate at {rate}, its highest level in 16 years.",
            "Annual inflation fell to {pct} in {month}, down from a peak of more than 10 percent.",
            "Markets had expected the decision, but the minutes showed that {tiny} members had argued for a cut.",
            "The bank now expects inflation to return to its 2 percent target by the middle of {year}.",
            "Mortgage lenders have already begun to lower the cost of fixed-rate deals in anticipation of cuts.",
            "Unemployment rose to {pct2}, the highest level in two years, according to figures released on {day}.",
            "Economists said a first cut was most likely in {month}, although some warned that wage growth remained strong.",
            "The currency fell {small} cents against the dollar after the announcement.",
            "Business groups urged the bank to move faster, saying high borrowing costs were holding back investment.",
            "The next decision is due on {date}.",
        ),
        ("The vote", "What it means for mortgages", "What the markets think", "The outlook"),
        (
            "Bank rate: {rate}",
            "Inflation: {pct}",
            "Unemployment: {pct2}",
            "Next decision: {date}",
            "Growth forecast for {year}: 0.8%",
        ),
        (
            "We are not yet at the point where we can cut rates, but things are moving in the right direction.",
            "Households have been patient. They deserve to know when relief is coming.",
        ),
        (
            "governor of {bank}",
            "deputy governor of {bank}",
            "chief economist at Redfield Capital",
            "a mortgage broker in {place}",
        ),
    ),
    T(
        "stadium",
        "Sport",
        ("sport", "stadiums"),
        (
            "{team} agree {amount} deal for new stadium in {place}",
            "{team} stadium plan approved despite objections from residents",
            "{team} to leave historic ground for {count}-seat stadium",
        ),
        ("The club says the move will secure its future; residents fear traffic and noise.",),
        {
            "team": ("Westmarch United", "the Port Ellis Mariners", "Redfield Rovers", "the Callowby Hawks"),
            "thing": ("the stadium deal", "the move", "the new ground"),
        },
        (
            "The new stadium will hold {count} spectators, almost twice the capacity of the current ground.",
            "The club will pay most of the {amount} cost, with the council contributing land and road improvements.",
            "Planning permission was granted on {day} after a meeting attended by more than {small}0 residents.",
            "The club has played at its current ground since 1902.",
            "Supporters' groups largely welcomed the plan but asked for guarantees on ticket prices.",
            "Residents near the site raised concerns about parking and noise on match days.",
            "The club says the stadium will also host concerts and will create about {count2} permanent jobs.",
            "Construction is due to begin in {month} and the club hopes to play its first match there in {year2}.",
            "The old ground will be redeveloped for housing, including {small}0 affordable homes.",
            "The club finished {ordinal} in the league last season, its best result in a decade.",
        ),
        ("The deal", "Objections", "What fans say", "The old ground"),
        (
            "Capacity: {count}",
            "Cost: {amount}",
            "Parking: 1,200 spaces",
            "Opening: {year2} season",
            "Rail: new station stop on match days",
        ),
        (
            "This is the most important decision this club has taken in a hundred years.",
            "Nobody asked us whether we wanted 40,000 people walking past our front doors every other Saturday.",
        ),
        (
            "chairman of {team}",
            "chief executive of {team}",
            "head of the supporters' trust",
            "a councillor for the ward",
        ),
    ),
    T(
        "ai",
        "Technology",
        ("technology", "artificial intelligence"),
        (
            "Lawmakers approve AI bill requiring companies to disclose training data",
            "AI bill clears {chamber} after months of lobbying",
            "New AI rules would force developers to test models before release",
        ),
        (
            "The bill would apply to the largest developers and includes fines of up to {pct} of annual turnover.",
        ),
        {
            "chamber": ("the Senate", "the state assembly", "parliament"),
            "thing": ("the bill", "the legislation", "the rules"),
        },
        (
            "The bill passed {chamber} by {small} votes to {tiny} on {day} and now goes to the governor.",
            "It would require developers of the largest models to publish a summary of the data used to train them.",
            "Companies would also have to test their systems for risks such as helping to design weapons before releasing them.",
            "Several large technology companies lobbied against the bill, arguing that it would push research elsewhere.",
            "Supporters said the rules were modest and mirrored commitments the companies had already made voluntarily.",
            "The bill would create an office with about {small}0 staff to oversee compliance, at a cost of {amount} a year.",
            "Fines could reach {pct} of a company's annual turnover for repeated violations.",
            "Smaller developers and academic researchers would be exempt.",
            "A similar bill was vetoed in {year2} after the governor said it was too broad.",
            "The rules would take effect in {month} {year} if signed.",
        ),
        ("What the bill requires", "The lobbying fight", "Who is exempt", "What happens next"),
        (
            "Publish a summary of training data",
            "Test models for serious risks before release",
            "Report serious incidents within 72 hours",
            "Protect employees who report concerns",
            "Fines of up to {pct} of turnover",
        ),
        (
            "We are not trying to stop anyone building anything. We are asking them to check that it is safe before they ship it.",
            "This bill will hand the future of the industry to other countries.",
        ),
        (
            "the bill's sponsor",
            "a spokesperson for an industry group",
            "director of a digital rights organisation",
            "a computer science professor",
        ),
    ),
    T(
        "breach",
        "Technology",
        ("cybersecurity", "privacy"),
        (
            "{retailer} says hackers stole data of {people} customers",
            "{retailer} data breach: what customers need to know",
            "{retailer} breach exposed names, addresses and partial card numbers",
        ),
        (
            "The company says passwords were not affected but has urged customers to watch for phishing emails.",
        ),
        {
            "retailer": ("HomeMart", "Fresh & Co", "Northline Outfitters", "ValuePlus Stores"),
            "thing": ("the breach", "the attack", "the incident"),
        },
        (
            "The company said it discovered the intrusion on {date} and had notified regulators.",
            "Names, email addresses, postal addresses and the last four digits of card numbers were taken, {retailer} said.",
            "The company said full card numbers and passwords were stored separately and had not been accessed.",
            "Security researchers said the data had been offered for sale on a criminal forum for about {price}.",
            "{retailer} has offered affected customers {small} months of free credit monitoring.",
            "It is the second breach at the company since {year2}.",
            "Regulators can fine companies up to {pct} of global turnover for failing to protect personal data.",
            "Shares in {retailer} fell {pct2} in early trading on {day}.",
            "Customers reported receiving emails that appeared to come from the company and asked them to confirm their payment details.",
            "The company said it had hired an outside firm to investigate and had reset the credentials of {count} employees.",
        ),
        ("What was taken", "What to do", "How it happened", "The company's response"),
        (
            "Be wary of emails asking you to confirm payment details",
            "Check your bank statements",
            "Change your password if you reused it elsewhere",
            "Sign up for the free credit monitoring",
            "Report suspicious messages to the company",
        ),
        (
            "We are deeply sorry. Our customers trusted us with their information and we let them down.",
            "This kind of data is exactly what criminals need to make a phishing email look real.",
        ),
        (
            "chief executive of {retailer}",
            "a spokesperson for {retailer}",
            "a security researcher",
            "a consumer rights campaigner",
        ),
    ),
    T(
        "strike",
        "Business",
        ("travel", "strikes"),
        (
            "Flights cancelled as {airline} pilots begin {small}-day strike",
            "{airline} strike: {count} flights cancelled in first wave of walkouts",
            "{airline} and pilots' union fail to reach deal as strike goes ahead",
        ),
        ("The union says pay has fallen behind rivals; the airline says its offer is fair.",),
        {
            "airline": ("Skyline Air", "Northstar Airways", "Aeris", "BlueCrest"),
            "thing": ("the strike", "the walkout", "the dispute"),
        },
        (
            "{airline} cancelled {count} flights on {day}, affecting about {people} passengers.",
            "The union says pilots' pay has fallen {pct} behind inflation since 2020.",
            "The airline has offered a rise of {pct2} over two years, which the union rejected.",
            "Passengers whose flights are cancelled can rebook for free or ask for a full refund.",
            "Talks broke down late on {day} after {small} hours of negotiations.",
            "Long-haul flights were largely unaffected because they are flown by a separate group of pilots.",
            "The strike is the first by the airline's pilots in more than {small} years.",
            "Travel agents said bookings for the spring had already started to shift to rival airlines.",
            "The airline estimated the cost of each day of strikes at about {amount}.",
            "Further walkouts are planned for {month} unless a deal is reached.",
        ),
        ("What passengers can do", "The pay dispute", "The cost", "Talks"),
        (
            "Rebook for free on another date",
            "Ask for a full refund",
            "Claim for meals and hotels if you are stranded",
            "Check the airline's app before leaving home",
            "Compensation may not apply during strikes",
        ),
        (
            "Nobody wants to strike. Our members have been left with no other choice.",
            "The offer on the table is generous and fair, and we urge the union to put it to a vote.",
        ),
        (
            "president of the pilots' union",
            "chief executive of {airline}",
            "a spokesperson for {airline}",
            "a travel industry analyst",
        ),
    ),
    T(
        "election",
        "Politics",
        ("politics", "elections"),
        (
            "{p1last} wins {place} mayoral race by {small}00 votes",
            "Recount confirms {p1last} as mayor of {place}",
            "{place} elects {p1last} as mayor in tight race",
        ),
        ("Turnout was the highest in a local election for more than twenty years.",),
        {
            "party": ("the Progressive Alliance", "the Civic Party", "the Independent Group"),
            "thing": ("the result", "the race", "the election"),
        },
        (
            "{p1last} won {pct} of the vote, narrowly ahead of the incumbent, according to results certified on {day}.",
            "Turnout was {pct2}, up from 31 percent at the last mayoral election.",
            "The campaign focused on housing costs, public safety and the future of the city's bus network.",
            "{p1last}, a former council member, ran on a promise to build {count} affordable homes in four years.",
            "The incumbent conceded on {day} morning and said she would work with the new administration.",
            "A recount was triggered automatically because the margin was less than half a percentage point.",
            "Campaign spending reached {amount}, a record for the city, according to filings.",
            "The new mayor will take office on {date}.",
            "Voters also approved a ballot measure to fund road repairs with a small increase in sales tax.",
            "The city council remains divided, with neither group holding a majority.",
        ),
        ("The result", "The campaign", "What voters said", "What comes next"),
        (
            "Affordable housing: {count} homes",
            "Public safety: more officers on foot patrol",
            "Buses: free fares for under-18s",
            "Budget: a review of every department",
            "Climate: all city vehicles electric by 2030",
        ),
        (
            "The people of this city have asked for change, and I intend to deliver it.",
            "It was close, and it was fair. I wish the mayor-elect well.",
        ),
        (
            "the mayor-elect",
            "the outgoing mayor",
            "the city's chief election officer",
            "a political scientist at the University of Westmarch",
        ),
    ),
    T(
        "museum",
        "Culture",
        ("culture", "archaeology"),
        (
            "Roman mosaic found under car park in {place}",
            "Archaeologists uncover {year_bc}-year-old mosaic in {place}",
            "{place} mosaic is 'most important find in a generation'",
        ),
        ("The mosaic, which shows scenes from a hunt, will go on display at the {museum} next year.",),
        {
            "museum": ("Westmarch Museum", "the Museum of Port Ellis", "the Harlow Heritage Centre"),
            "thing": ("the mosaic", "the find", "the discovery"),
        },
        (
            "The mosaic, about {small} metres long, was found during work to build a new health centre.",
            "Archaeologists believe it formed the floor of a dining room in a large villa built around AD 300.",
            "It shows hunters on horseback chasing a deer and a boar, surrounded by a border of flowers.",
            "The site was surveyed in {month} after a routine check turned up fragments of painted plaster.",
            "Experts from the {museum} spent {weeks} weeks lifting the mosaic in sections.",
            "The developer has agreed to redesign the building so that part of the villa can remain on view.",
            "Local volunteers helped to sift more than {count} buckets of soil for coins and pottery.",
            "Similar mosaics have been found at only a handful of sites in the region.",
            "The work cost about {amount}, paid for by the developer as part of its planning conditions.",
            "The mosaic will go on display at the {museum} in {month} {year}.",
        ),
        ("The find", "How it was lifted", "What it shows", "Where to see it"),
        (
            "Date: around AD 300",
            "Size: about {small} metres long",
            "Scenes: a hunt on horseback",
            "Material: stone and glass tiles",
            "Display: {museum}, from {month} {year}",
        ),
        (
            "You dream of finding something like this once in a career. Most of us never do.",
            "It was under a car park. People had been parking on it for fifty years.",
        ),
        (
            "director of the {museum}",
            "the site's lead archaeologist",
            "a specialist in Roman art",
            "a volunteer on the dig",
        ),
    ),
    T(
        "drought",
        "Environment",
        ("water", "drought"),
        (
            "Hosepipe ban for {people} households as reservoirs fall to {pct}",
            "{water} announces water restrictions after driest spring on record",
            "Drought declared in {place} as {water} imposes hosepipe ban",
        ),
        ("The restrictions take effect on {date} and could last until the autumn.",),
        {
            "water": ("Orin Valley Water", "Southmere Water", "the county water board"),
            "thing": ("the ban", "the restrictions", "the drought"),
        },
        (
            "Reservoir levels stood at {pct} of capacity on {day}, compared with an average of 84 percent for the time of year.",
            "The ban applies to watering gardens, filling paddling pools and washing cars with a hosepipe.",
            "Customers who break the rules can be fined up to {price}.",
            "{water} said it was losing about {count} litres a day through leaks and had added {small}0 repair crews.",
            "Rainfall between March and May was {pct2} of the long-term average, according to the weather service.",
            "Farmers said crops were already suffering and that some had started selling livestock early.",
            "The company has been criticised for paying dividends to shareholders while failing to meet leakage targets.",
            "Regulators said they would examine whether {water} had done enough to prepare.",
            "The restrictions will be reviewed every {small} weeks.",
            "Customers can still use watering cans and buckets.",
        ),
        ("What is banned", "Why now", "Leaks", "How long it will last"),
        (
            "Watering gardens with a hosepipe",
            "Filling paddling pools",
            "Washing cars with a hosepipe",
            "Cleaning patios and walls",
            "Filling ornamental ponds",
        ),
        (
            "We know this is inconvenient, and we are sorry. But we have to protect supplies for essential use.",
            "They ask us to save water while pouring millions of litres a day into the ground through leaking pipes.",
        ),
        (
            "chief executive of {water}",
            "a spokesperson for {water}",
            "a farmer near {place}",
            "head of a consumer water watchdog",
        ),
    ),
    T(
        "court",
        "Crime",
        ("courts", "justice"),
        (
            "Court rules {agency} acted unlawfully in {place} housing evictions",
            "Judge orders {agency} to compensate evicted tenants",
            "Evictions by {agency} were unlawful, court finds",
        ),
        ("The ruling could open the way for hundreds of similar claims.",),
        {
            "agency": ("the Housing Authority", "the city housing department", "Brenton Homes"),
            "thing": ("the ruling", "the judgment", "the decision"),
        },
        (
            "The judge ruled on {day} that {agency} had failed to follow its own procedures when it evicted {count} tenants in {year2}.",
            "Tenants were given as little as {small} days' notice, the court heard.",
            "The judge ordered {agency} to pay compensation, which lawyers estimated could exceed {amount}.",
            "{agency} said it was studying the judgment and had not decided whether to appeal.",
            "Housing charities said the case showed how vulnerable tenants were to errors by landlords.",
            "Several of the evicted families spent months in temporary accommodation, the court was told.",
            "The ruling applies only to tenancies managed directly by {agency}.",
            "Lawyers for the tenants said they had been contacted by more than {small}00 other families since the hearing.",
            "The authority has since changed its eviction policy, a spokesperson said.",
            "A further hearing to decide the amount of compensation is set for {date}.",
        ),
        ("The ruling", "The evictions", "Compensation", "What happens next"),
        (
            "Notice periods were too short",
            "Tenants were not told they could appeal",
            "Records of rent arrears were wrong in several cases",
            "Families with children were housed in hotels for months",
            "Compensation to be decided at a further hearing",
        ),
        (
            "The law applies to public landlords as much as to anyone else.",
            "We accept that mistakes were made, and we have already changed our procedures.",
        ),
        (
            "a lawyer for the tenants",
            "a spokesperson for {agency}",
            "director of a housing charity",
            "one of the evicted tenants",
        ),
    ),
)

# Sentences any story can use; {thing} is the topic's subject, {org} whoever the story is about.
GENERIC = (
    "{p1}, {r1}, said {thing} had been discussed for months and should not have surprised anyone.",
    '"We have listened carefully to everyone who wrote to us," {p1} said.',
    'In a statement, {p2}, {r2}, said the organisation was "reviewing the details" and would respond in due course.',
    "Critics say {thing} does little to address the underlying problem.",
    "According to [[a report by {outlet}]], officials had been warned about the risks as early as {month}.",
    "The figures were first reported by [[{outlet}]] and later confirmed by officials.",
    "Asked about {thing} on {day}, {p2} declined to give a timetable.",
    "Opposition politicians called for an independent review.",
    "{p1} acknowledged that some people would be disappointed.",
    '"It is not perfect, but it is a start," {p3}, {r3}, said.',
    "The details were set out in [[a report published on {date}]], which runs to more than {small}0 pages.",
    "Records obtained through a public information request show that the cost has risen by {pct} since the plan was first drawn up.",
    '{p3}, {r3}, said people in {place} had been "left in the dark" for too long.',
    "Similar measures elsewhere have had mixed results, [[a study by researchers at the University of Westmarch]] found last year.",
    "Not everyone agrees.",
    "Some residents said they had learned about {thing} only from social media.",
    "The announcement came after weeks of pressure from campaigners.",
    "Officials said they would publish more detail in the coming weeks.",
    '{p2} said the timing was "a matter of weeks, not months."',
    "The issue is expected to come up again at the next public meeting on {date}.",
    "It is not the first time {thing} has drawn criticism.",
    'A spokesperson said it would be "inappropriate to comment further" while discussions continued.',
    "The numbers are striking: about {pct} of those surveyed said they had been affected in some way.",
    "An earlier version of the plan, [[rejected in {year2}]], would have cost nearly twice as much.",
    "{p1} first raised concerns in a letter in {month}, which was seen by [[{outlet}]].",
    "People who want to comment can do so until {date}.",
    "The changes will be phased in over {small} years.",
    "Supporters say the decision is long overdue.",
    "For many people in {place}, the debate is about more than money.",
    '"People are tired of hearing that things will get better next year," said {p3}.',
    "The [[full statement]] was posted on the organisation's website on {day} evening.",
    "[[The latest figures, published on {day}, show a rise of {pct2} on the same period last year]].",
    "Officials have not said how many people could be affected.",
    "That estimate does not include the cost of staff time, which officials put at a further {amount2}.",
    '{p2} said that the organisation had "learned lessons" from what happened.',
    "A public consultation drew more than {count2} responses, most of them opposed, according to [[documents published by the council]].",
    "The decision was welcomed by business groups.",
    "Others were more cautious.",
    "Independent analysts said the estimates were optimistic but not unreasonable.",
    "It remains unclear what will happen if the money runs out before the work is finished.",
    "In {year2}, a similar proposal collapsed after a dispute over who would pay.",
    "{p1} said there would be a full update by {date}.",
    '"We owe people a straight answer," {p3} said, "and so far they have not had one."',
    "The next steps will depend in part on the outcome of a review due in {month}.",
    "The report also recommended a series of smaller changes, most of which were accepted.",
    "As [[we reported last month]], the original deadline has already slipped twice.",
    "The organisation employs about {count} people in {place}.",
    "{p2}'s office did not respond to a request for comment on {day}.",
    "Campaigners plan to hold a rally outside the town hall on {date}.",
    "A small group of protesters gathered outside the building as the meeting began.",
    "{p2} defended the process, saying every option had been costed independently.",
    "The proposal was first floated in {year2} but was shelved during the pandemic.",
    "Local businesses have been divided, with some warning of lost trade and others welcoming the investment.",
    '{p1} told the meeting that the status quo was "simply not sustainable."',
    "Neither side has ruled out further talks.",
    "A freedom of information request by [[{outlet}]] found that the issue had been raised internally at least {small} times.",
    "The figures cover the twelve months to the end of {month}.",
    "Independent experts who reviewed the plan said it was broadly sound but underfunded.",
    "Much will depend on whether the money promised by central government materialises.",
    "For now, officials are urging patience.",
    "{p3} said the group had written to every elected representative in {place}.",
    "The timetable has been criticised as unrealistic by several people who worked on earlier plans.",
    "A survey of {count2} residents carried out in {month} found broad support for the principle but deep scepticism about the details.",
    "Those figures are disputed.",
    '"There is a lot of anger, and I understand it," {p1} said.',
    "Several of those who spoke at the meeting said they had never been consulted.",
    "The cost has been revised upwards {tiny} times since the plan was announced.",
    "In neighbouring areas, similar schemes were scaled back after costs overran.",
    '{p2} said a final decision would be taken "in the open, and on the evidence."',
    "Union representatives said they had not been told about the plans in advance.",
    "The report's authors acknowledged that their estimates carried a wide margin of error.",
    "The office said it had received {count2} complaints since {month}.",
    "At least {small} other organisations have said they will watch the outcome closely.",
    "[[An analysis by {outlet}]] published in {month} reached a similar conclusion.",
    "The changes were not mentioned in the organisation's most recent annual report.",
    "{p1} has held the post since {year2}.",
    "Residents who want to find out more can attend drop-in sessions at the library on {day} afternoons.",
    "Some of those affected said they had been given conflicting information.",
    "The announcement was made without a press conference.",
)


def topic_named(key: str) -> Topic:
    return next(topic for topic in TOPICS if topic.key == key)


class Writer:
    """Fills templates for one article: the same people, place and organisations throughout."""

    def __init__(self, topic: Topic, rng: random.Random, quote_style: str, link_base: str) -> None:
        self.topic = topic
        self.rng = rng
        self.quote_style = quote_style
        self.link_base = link_base
        names = rng.sample(range(len(FIRST_NAMES)), 6)
        lasts = rng.sample(range(len(LAST_NAMES)), 6)
        self.people = [f"{FIRST_NAMES[a]} {LAST_NAMES[b]}" for a, b in zip(names, lasts, strict=True)]
        self.place = rng.choice(PLACES)
        self.fixed = {key: rng.choice(values) for key, values in topic.slots.items()}
        self.year = 2026
        self.roles = [
            role.format_map({**self.fixed, "place": self.place})
            for role in rng.sample(topic.roles, len(topic.roles))
        ]
        self.year = 2026

    # -- slot values ---------------------------------------------------------------------------
    def values(self) -> dict[str, str]:
        rng = self.rng
        month = rng.choice(MONTHS)
        p = self.people
        values = {
            "place": self.place,
            "p1": p[0],
            "p2": p[1],
            "p3": p[2],
            "p1last": p[0].split()[-1],
            "r1": self.roles[0],
            "r2": self.roles[1],
            "r3": self.roles[2 % len(self.roles)],
            "pct": f"{rng.randint(3, 78)}%" if rng.random() < 0.5 else f"{rng.randint(3, 78)} percent",
            "pct2": f"{rng.randint(2, 19)}.{rng.randint(1, 9)}%",
            "amount": rng.choice(["$", "£", "€"])
            + f"{rng.randint(2, 98) / 10:.1f} "
            + rng.choice(["million", "billion", "million"]),
            "amount2": f"${rng.randint(120, 950)},000",
            "count": f"{rng.randint(1, 48)},{rng.randint(100, 999)}",
            "count2": f"{rng.randint(2, 9)},{rng.randint(100, 999)}",
            "people": f"{rng.randint(2, 9)} million"
            if rng.random() < 0.6
            else f"{rng.randint(120, 900)},000",
            "small": str(rng.randint(3, 9)),
            "tiny": str(rng.randint(1, 2)),
            "price": f"${rng.randint(2, 9)}.{rng.choice(['25', '50', '75', '90'])}",
            "price2": f"${rng.randint(60, 140)}",
            "rate": f"{rng.randint(3, 5)}.{rng.choice(['25', '5', '75'])}%",
            "weeks": str(rng.randint(30, 60)),
            "weeks2": str(rng.randint(12, 29)),
            "meters": f"{rng.randint(4, 7)}.{rng.randint(1, 9)}",
            "acres": f"{rng.randint(2, 40)},{rng.randint(100, 999)}",
            "month": month,
            "date": f"{month} {rng.randint(2, 27)}",
            "day": rng.choice(WEEKDAYS),
            "year": str(self.year),
            "year2": str(rng.randint(2012, 2023)),
            "year_bc": str(rng.choice([1700, 1800, 1900])),
            "ordinal": rng.choice(["third", "fourth", "fifth", "seventh"]),
            "outlet": rng.choice(OUTLETS)[0],
            **self.fixed,
        }
        values["org"] = next(iter(self.fixed.values()))
        return values

    def fill_plain(self, template: str) -> str:
        return plain(self.fill(template, links=False))

    def fill(self, template: str, *, links: bool = True) -> str:
        """Return inline HTML for template: slots filled, [[links]] made anchors, quotes styled."""
        values = self.values() if "{" in template else {}
        text = capitalise(template.format_map(values))
        pieces = re.split(r"(\[\[.*?\]\])", text)
        out = []
        for piece in pieces:
            if piece.startswith("[["):
                anchor = piece[2:-2]
                out.append(
                    f'<a href="{self.url_for(anchor)}">{self.style(anchor)}</a>'
                    if links
                    else self.style(anchor)
                )
            else:
                out.append(self.style(piece))
        return "".join(out)

    def url_for(self, anchor: str) -> str:
        for outlet, base in OUTLETS:
            if outlet.lower().removeprefix("the ") in anchor.lower():
                return base + slugify(anchor)[:48] + f"-{self.rng.randint(10_000, 99_999)}"
        return f"{self.link_base}/{self.rng.choice(['news', 'local', 'politics', 'business'])}/{slugify(anchor)[:60]}"

    def style(self, text: str) -> str:
        """Escape text and spell its quotes and apostrophes in the page's style."""
        if self.quote_style == "ascii":
            return esc(text).replace("&#x27;", "'").replace("&quot;", '"')
        curly = smart_quotes(text)
        if self.quote_style == "unicode":
            return esc(curly).replace("&#x27;", "'").replace("&quot;", '"')
        escaped = esc(curly)
        for char, entity in (
            ("\u2018", "&lsquo;"),
            ("\u2019", "&rsquo;"),
            ("\u201c", "&ldquo;"),
            ("\u201d", "&rdquo;"),
        ):
            escaped = escaped.replace(char, entity)
        return escaped

    # -- blocks --------------------------------------------------------------------------------
    def paragraph(self, pool: list[str], sentences: int) -> str:
        chosen = [pool.pop() for _ in range(min(sentences, len(pool)))]
        html = " ".join(self.fill(sentence) for sentence in chosen)
        if self.rng.random() < 0.12 and "<a " not in html:
            html = emphasise(html, self.rng)
        return html


def capitalise(text: str) -> str:
    """Return text with its first letter in upper case (after any opening quote or link marker)."""
    match = re.match(r"[\[\"(]*([a-z])", text)
    if not match:
        return text
    return text[: match.start(1)] + match.group(1).upper() + text[match.end(1) :]


def smart_quotes(text: str) -> str:
    out = []
    for index, char in enumerate(text):
        if char == '"':
            before = text[index - 1] if index else " "
            out.append("\u201c" if before in " (\u2014" else "\u201d")
        elif char == "'":
            before = text[index - 1] if index else " "
            out.append("\u2018" if before in " (\u2014" else "\u2019")
        else:
            out.append(char)
    return "".join(out)


def emphasise(html: str, rng: random.Random) -> str:
    """Wrap a few words of a paragraph in <em> or <strong>, as editors do."""
    words = html.split(" ")
    if len(words) < 8:
        return html
    start = rng.randint(1, len(words) - 4)
    tag = rng.choice(["em", "strong"])
    words[start] = f"<{tag}>" + words[start]
    words[start + 2] = words[start + 2] + f"</{tag}>"
    return " ".join(words)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", plain(text).lower()).strip("-")


def write_article(
    topic: Topic,
    rng: random.Random,
    *,
    paragraphs: int,
    quote_style: str,
    link_base: str,
    published: datetime,
) -> tuple[ArticleState, Writer]:
    """Return a new article on topic with about `paragraphs` body blocks, and the writer that made it."""
    writer = Writer(topic, rng, quote_style, link_base)
    title = writer.fill_plain(topic.headlines[0])
    pool = list(topic.sentences) + rng.sample(GENERIC, len(GENERIC))
    rng.shuffle(pool)
    # the lead is always a topic sentence: a news lead says what happened
    lead = next(sentence for sentence in reversed(pool) if sentence in topic.sentences)
    pool.remove(lead)
    pool.append(lead)
    blocks: list[Block] = []
    subheads = list(topic.subheads)
    want_list = rng.random() < 0.55
    want_quote = rng.random() < 0.5
    want_heavy_link = rng.random() < 0.6
    seen: set[str] = set()
    while len([t for b in blocks for t in b.parts]) < paragraphs:
        index = len(blocks)
        if index >= 4 and subheads and blocks[-1].kind == "p" and rng.random() < 0.12:
            blocks.append(Block(rng.choice(["h2", "h2", "h3"]), (writer.style(subheads.pop(0)),)))
            continue
        if index >= 5 and want_list and rng.random() < 0.15:
            items = rng.sample(topic.items, rng.randint(3, len(topic.items)))
            blocks.append(Block(rng.choice(["ul", "ul", "ol"]), tuple(writer.fill(item) for item in items)))
            want_list = False
            continue
        if index >= 3 and want_quote and rng.random() < 0.15:
            lines = rng.sample(topic.quotes, rng.randint(1, 2))
            blocks.append(Block("quote", tuple(writer.fill(f'"{line}"') for line in lines)))
            want_quote = False
            continue
        if index >= 6 and want_heavy_link and rng.random() < 0.2:
            # a real sentence that is almost all link, as broadsheets link whole claims
            html = (
                writer.fill(
                    "[[The full "
                    + ("ruling" if topic.key in ("court", "lawsuit") else "report")
                    + ", published on {date}, runs to {small}0 pages]]."
                )
                if rng.random() < 0.5
                else writer.fill(
                    "[[{org} published its response on {day}]], a day after {thing} was announced."
                )
            )
            want_heavy_link = False
        else:
            if not pool:
                break
            html = writer.paragraph(pool, rng.choice([1, 1, 2, 2, 2, 3]))
        text = plain(html)
        if text in seen:
            continue
        seen.add(text)
        blocks.append(Block("p", (html,)))
    while blocks[-1].kind in ("h2", "h3"):  # an article does not end on a heading with nothing under it
        blocks.pop()
    ensure_link_paragraphs(blocks, writer)
    modified = published + timedelta(minutes=rng.randint(5, 90))
    slug = slugify(title)[:80]
    article = ArticleState(
        title=title,
        authors=(writer.people[4],) if rng.random() < 0.75 else (writer.people[4], writer.people[5]),
        blocks=tuple(blocks),
        dek=writer.fill_plain(rng.choice(topic.deks)),
        section=topic.section,
        tags=topic.tags,
        published=published,
        modified=modified,
        slug=slug,
        image=f"/images/{published:%Y/%m}/{slug[:40]}-{rng.randint(1000, 9999)}.jpg",
        quote_style=quote_style,
    )
    return article, writer


def ensure_link_paragraphs(blocks: list[Block], writer: Writer) -> None:
    """Make sure at least two real paragraphs cite a source through a link."""
    linked = sum(1 for block in blocks if block.kind == "p" and "<a " in block.parts[0])
    templates = [
        "According to [[a report by {outlet}]], {thing} was approved despite objections from {p3}.",
        "[[Documents seen by {outlet}]] suggest that the cost could rise by a further {pct} before the work is finished.",
    ]
    position = 3
    while linked < 2 and templates:
        html = writer.fill(templates.pop())
        position = min(position + 2, len(blocks))
        blocks.insert(position, Block("p", (html,)))
        linked += 1


def other_headlines(rng: random.Random, count: int) -> list[str]:
    """Return headlines of other stories (for teasers, related and most-read lists)."""
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < count:
        topic = rng.choice(TOPICS)
        writer = Writer(topic, rng, "unicode", "")
        headline = writer.fill_plain(rng.choice(topic.headlines))
        if headline not in seen:
            seen.add(headline)
            out.append(headline)
    return out
