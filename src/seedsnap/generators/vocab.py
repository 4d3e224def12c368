"""Fixed vocabularies: names, places, clinical terms and the seeded texts (our own wording).

Counts follow the upstream seeder's vocabularies (seeder.md §13) where it has one.
"""

from __future__ import annotations

# First names by how they read (male, female, either: the client preferences enricher reads a
# therapist's gender from them) and last names: 60 x 50 full names, so up to 3,000 users of a
# role (heavy --scale 37 clients) have distinct names (``users._names``).
FIRST_NAMES_MALE = (
    "James",
    "Miguel",
    "Ethan",
    "Noah",
    "Daniel",
    "Marcus",
    "Liam",
    "Rafael",
    "Samuel",
    "Owen",
    "David",
    "Joshua",
    "Carlos",
    "Andre",
    "Kevin",
    "Benjamin",
    "Elijah",
    "Mateo",
    "Hiroshi",
    "Omar",
)
FIRST_NAMES_FEMALE = (
    "Maria",
    "Aisha",
    "Sofia",
    "Emma",
    "Grace",
    "Hannah",
    "Isabel",
    "Chloe",
    "Nadia",
    "Olivia",
    "Priya",
    "Lucia",
    "Mei",
    "Zoe",
    "Fatima",
    "Camila",
    "Leah",
    "Naomi",
    "Ruth",
    "Yasmin",
)
FIRST_NAMES_NEUTRAL = (
    "Alex",
    "Jordan",
    "Taylor",
    "Riley",
    "Casey",
    "Morgan",
    "Jamie",
    "Avery",
    "Quinn",
    "Rowan",
    "Cameron",
    "Dakota",
    "Reese",
    "Skyler",
    "Emerson",
    "Parker",
    "Sage",
    "Finley",
    "Blake",
    "Drew",
)
LAST_NAMES = (
    "Santos",
    "Reyes",
    "Cruz",
    "Bautista",
    "Garcia",
    "Mendoza",
    "Torres",
    "Flores",
    "Rivera",
    "Ramos",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Thomas",
    "Moore",
    "Martin",
    "Lee",
    "Walker",
    "Hall",
    "Young",
    "King",
    "Wright",
    "Lopez",
    "Hill",
    "Nguyen",
    "Patel",
    "Kim",
    "Chen",
    "Khan",
    "Clark",
    "Lewis",
    "Robinson",
    "Scott",
    "Green",
    "Adams",
    "Baker",
    "Nelson",
    "Carter",
    "Mitchell",
    "Perez",
    "Roberts",
    "Turner",
    "Phillips",
    "Campbell",
)
PROVINCES = (
    "California",
    "New York",
    "Texas",
    "Florida",
    "Illinois",
    "Pennsylvania",
    "Ohio",
    "Georgia",
    "North Carolina",
    "Michigan",
    "New Jersey",
    "Virginia",
    "Washington",
    "Arizona",
    "Massachusetts",
)
# The resident population of each province above, in millions (2020 US census, rounded), in
# the same order: users live in a province in proportion to it, so the large states hold enough
# members of a community for an in-person group to meet there.
PROVINCE_POPULATION = (
    39.5,
    20.2,
    29.1,
    21.5,
    12.8,
    13.0,
    11.8,
    10.7,
    10.4,
    10.1,
    9.3,
    8.6,
    7.7,
    7.2,
    7.0,
)
# An area code of each province above (of its largest city), in the same order: therapists'
# mobiles are +1-<area>-555-01NN, in the range of US numbers kept for fiction (555-0100 to
# 555-0199), so a well-formed number that reaches nobody.
PROVINCE_AREA_CODE = (
    "415",
    "212",
    "512",
    "305",
    "312",
    "215",
    "614",
    "404",
    "919",
    "313",
    "201",
    "804",
    "206",
    "602",
    "617",
)
# Representative IANA time zones of the provinces above, in the same order.
PROVINCE_TZ = (
    "America/Los_Angeles",
    "America/New_York",
    "America/Chicago",
    "America/New_York",
    "America/Chicago",
    "America/New_York",
    "America/New_York",
    "America/New_York",
    "America/New_York",
    "America/Detroit",
    "America/New_York",
    "America/New_York",
    "America/Los_Angeles",
    "America/Phoenix",
    "America/New_York",
)
# The USPS abbreviation of each province above, in the same order (billing addresses).
PROVINCE_CODE = (
    "CA",
    "NY",
    "TX",
    "FL",
    "IL",
    "PA",
    "OH",
    "GA",
    "NC",
    "MI",
    "NJ",
    "VA",
    "WA",
    "AZ",
    "MA",
)
# The 3-digit ZIP prefixes (sectional centers) USPS assigns to each province above, in the
# same order, as inclusive ranges (public USPS allocation; gaps are unassigned prefixes or
# another state's, such as 340 for the armed forces in the Americas).
PROVINCE_ZIP3: tuple[tuple[tuple[int, int], ...], ...] = (
    ((900, 908), (910, 928), (930, 961)),
    ((100, 149),),
    ((750, 799),),
    ((320, 339), (341, 349)),
    ((600, 629),),
    ((150, 196),),
    ((430, 459),),
    ((300, 319),),
    ((270, 289),),
    ((480, 499),),
    ((70, 89),),
    ((220, 246),),
    ((980, 994),),
    ((850, 853), (855, 857), (859, 860), (863, 865)),
    ((10, 27),),
)
# Where people of each province above live (same order): real cities of that state, with the
# 3-digit ZIP prefix of their post office, so a billing address's ZIP fits its city. Each
# state's Mentara venues (social_text.GROUP_VENUES) are in two of its cities, and no city
# name is used in two states, so a city says its state (``CITY_PROVINCE``).
PROVINCE_CITIES: tuple[tuple[tuple[str, int], ...], ...] = (
    (("Oakland", 946), ("San Diego", 921), ("Los Angeles", 900), ("Sacramento", 958)),
    (("Brooklyn", 112), ("Albany", 122), ("Buffalo", 142), ("Rochester", 146)),
    (("Austin", 787), ("Houston", 770), ("Dallas", 752), ("San Antonio", 782)),
    (("Tampa", 336), ("Orlando", 328), ("Miami", 331), ("Jacksonville", 322)),
    (("Chicago", 606), ("Springfield", 627), ("Peoria", 616), ("Naperville", 605)),
    (("Philadelphia", 191), ("Pittsburgh", 152), ("Allentown", 181), ("Harrisburg", 171)),
    (("Columbus", 432), ("Cleveland", 441), ("Cincinnati", 452), ("Toledo", 436)),
    (("Atlanta", 303), ("Savannah", 314), ("Athens", 306), ("Macon", 312)),
    (("Raleigh", 276), ("Charlotte", 282), ("Durham", 277), ("Greensboro", 274)),
    (("Detroit", 482), ("Grand Rapids", 495), ("Ann Arbor", 481), ("Lansing", 489)),
    (("Newark", 71), ("Jersey City", 73), ("Trenton", 86), ("Princeton", 85)),
    (("Richmond", 232), ("Arlington", 222), ("Norfolk", 235), ("Charlottesville", 229)),
    (("Seattle", 981), ("Spokane", 992), ("Tacoma", 984), ("Olympia", 985)),
    (("Phoenix", 850), ("Tucson", 857), ("Mesa", 852), ("Flagstaff", 860)),
    (("Boston", 21), ("Worcester", 16), ("Cambridge", 21), ("Lowell", 18)),
)
# The province (index into PROVINCES) of each city above.
CITY_PROVINCE = {city: p for p, cities in enumerate(PROVINCE_CITIES) for city, _ in cities}
# The 3-digit ZIP prefix of each city above (the payments' billing ZIPs and the check's).
CITY_ZIP3 = {city: zip3 for cities in PROVINCE_CITIES for city, zip3 in cities}
SPECIALTIES = (
    "Anxiety",
    "Depression",
    "PTSD/Trauma",
    "Bipolar Disorder",
    "OCD",
    "Eating Disorders",
    "Substance Use",
    "Family Therapy",
    "Couples Therapy",
    "Child and Adolescent",
    "ADHD",
    "Grief and Loss",
    "Social Anxiety",
    "Panic Disorder",
    "Personality Disorders",
)
APPROACHES = (
    "Cognitive Behavioral Therapy (CBT)",
    "Dialectical Behavior Therapy (DBT)",
    "EMDR",
    "Psychodynamic Therapy",
    "Humanistic Therapy",
    "Family Systems Therapy",
    "Solution-Focused Brief Therapy",
    "Acceptance and Commitment Therapy (ACT)",
    "Mindfulness-Based Therapy",
    "Trauma-Focused CBT",
    "Motivational Interviewing",
)
LICENSE_TYPES = (
    "Licensed Clinical Psychologist",
    "Licensed Clinical Social Worker",
    "Licensed Marriage and Family Therapist",
    "Licensed Professional Counselor",
    "Psychiatric Nurse Practitioner",
)
LICENSE_PREFIX = ("PSY", "LCSW", "LMFT", "LPC", "PMHNP")
PROVIDER_TYPES = (
    "Clinical Psychologist",
    "Licensed Clinical Social Worker",
    "Marriage and Family Therapist",
    "Professional Counselor",
    "Psychiatric Nurse Practitioner",
)
ASSESSMENT_TOOLS = ("PHQ-9", "GAD-7", "PCL-5", "Beck Depression Inventory")
CERTIFICATIONS = (
    "Certified Trauma Professional",
    "Certified EMDR Therapist",
    "Certified Clinical Anxiety Treatment Professional",
    "Gottman Method Level 2",
)
EXTRA_LANGUAGES = ("Spanish", "Tagalog", "Mandarin", "French")
INSURERS = ("BlueCross BlueShield", "Aetna", "UnitedHealthcare")
ACCEPT_TYPES = ("Individual", "Couples", "Family")
# The area of expertise (SPECIALTIES) without which a therapist does not take clients of each
# kind of ACCEPT_TYPES but the first: everyone sees individuals; couples and families go to
# those who list couples or family therapy among their areas.
ACCEPT_NEEDS = {"Couples": "Couples Therapy", "Family": "Family Therapy"}
# The degree behind each licence of LICENSE_TYPES (same order) and universities with such
# programmes: a therapist's educationBackground is "<degree>, <university>, <year>".
DEGREES = (
    "PhD in Clinical Psychology",
    "Master of Social Work (MSW)",
    "MA in Marriage and Family Therapy",
    "MA in Clinical Mental Health Counseling",
    "MSN, Psychiatric-Mental Health Nurse Practitioner",
)
UNIVERSITIES = (
    "University of Michigan",
    "Columbia University",
    "University of Texas at Austin",
    "Boston University",
    "University of Washington",
    "Rutgers University",
    "University of North Carolina at Chapel Hill",
    "Ohio State University",
    "University of California, Los Angeles",
    "Arizona State University",
)
# What a therapist uploads with its application besides its licence (documentNames).
APPLICATION_DOCUMENTS = ("curriculum-vitae.pdf", "government-id.jpg", "liability-insurance.pdf")

# Client bios, each with the ages (full years, inclusive) it fits: a student's is not a
# 54-year-old's, nor a parent of two's a 21-year-old's (``users._client_bios``). A bio is
# what a client says of itself, drawn apart from how it behaves: a repeat offender's
# (``content.offenders``) reads as warm as anyone's.
CLIENT_BIOS: tuple[tuple[str, int, int], ...] = (
    ("Taking things one day at a time and learning to be kinder to myself.", 18, 65),
    ("Working through anxiety and looking for people who get it.", 18, 65),
    ("New here. Hoping to build better habits around sleep and stress.", 18, 65),
    ("Parent of two, trying to find balance between work and my own wellbeing.", 28, 55),
    ("Recovering perfectionist. Journaling helps more than I expected.", 18, 65),
    ("College student figuring out how to manage panic before exams.", 18, 24),
    ("I like hiking, bad puns, and slowly getting better at asking for help.", 18, 65),
    ("Here to listen as much as to share. Everyone's story matters.", 18, 65),
    ("Rebuilding routines after a rough year. Small wins count.", 18, 65),
    ("Learning that healing isn't linear, and that's okay.", 18, 65),
    ("First job out of school and still learning how to switch off after work.", 21, 27),
    ("New parent running on little sleep and trying to ask for help sooner.", 24, 42),
    ("Mid-career and burned out; working on boundaries with my job.", 30, 55),
    ("The kids have left home and I'm figuring out who I am again.", 45, 65),
    ("Caring for an aging parent and learning that I need care too.", 38, 65),
    ("Looking ahead to retirement and wanting to feel steady about what comes next.", 52, 65),
)
FIXTURE_BIOS = {
    "client": "Test client account for exploring the Mentara client experience.",
    "therapist": "Test therapist account: licensed professional profile used in development.",
    "admin": "Test administrator account with full platform permissions.",
    "moderator": "Test moderator account for community moderation workflows.",
}
# A staff bio is a first sentence and a second one of its role, a keyed pick each per user:
# one bio per role made every moderator (and every admin) of a build say the same (0.13.0).
STAFF_BIOS = {
    "admin": (
        (
            "Platform admin with system administration responsibilities.",
            "Part of the Mentara operations team.",
            "Platform administrator looking after accounts, billing and support.",
            "Admin on the Mentara support team.",
            "Keeps the Mentara platform running behind the scenes.",
        ),
        (
            "I help with payments, account access and anything that gets stuck.",
            "Happy to help when something on the platform doesn't work as it should.",
            "Reach out through support if you need a hand with your account.",
            "I review therapist applications and keep things running smoothly.",
            "Here to make the practical side of getting support easier.",
        ),
    ),
    "moderator": (
        (
            "Platform moderator with system administration responsibilities.",
            "Community moderator keeping our spaces safe and welcoming.",
            "Volunteer moderator and long-time community member.",
            "Moderator on the Mentara communities.",
            "Community host and moderator.",
        ),
        (
            "I review reports and make sure every thread stays kind.",
            "Message me if a post worries you or something feels off.",
            "I believe peer support works best when everyone feels safe to share.",
            "I've been where many of you are, and I'm glad this space exists.",
            "Ask me anything about the community guidelines.",
            "I run the weekly check-in threads.",
        ),
    ),
}
THERAPIST_BIO = "Licensed mental health professional with expertise in {specialty}."
# A therapist's bio goes on with a keyed one of these, on how it works.
THERAPIST_BIO_MORE = (
    "My approach is warm, practical and collaborative.",
    "I draw mainly on CBT and acceptance-based approaches.",
    "I believe small, steady changes add up.",
    "Sessions with me are paced to you, with room for questions.",
    "I work with adults at every stage of life.",
    "I combine evidence-based tools with a lot of listening.",
    "I aim to give you skills you can use between sessions.",
    "I offer a calm, non-judgemental space to talk things through.",
    "Together we set goals that fit your life.",
    "I bring curiosity, patience and a bit of humour to our work.",
    "I have a special interest in helping people through big life changes.",
    "My clients describe our sessions as structured but gentle.",
)
