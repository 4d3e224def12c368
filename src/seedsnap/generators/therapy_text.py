"""Fixed vocabularies of the therapy tables: session texts, notes, worksheets, reviews, payments.

Our own wording; counts follow or exceed upstream's (seeder.md §13). Texts that are combined
from parts (notes, review bodies) get their variety from the product of the part lists.
"""

from __future__ import annotations

# JS Date.getDay() numbering, as TherapistAvailability.dayOfWeek stores it ("0" = Sunday).
DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")

FIRST_SESSION_TITLE = "Initial Consultation"
# A meeting's title and description are drawn when it is booked, before the pair's homework
# is (worksheets follow sessions): none of them names a worksheet. Relapse prevention closes a
# course: only a meeting with at least RELAPSE_FROM_SESSION - 1 of the pair's meetings before
# it takes that title.
RELAPSE_TITLE = "Relapse Prevention Planning"
RELAPSE_FROM_SESSION = 6
SESSION_TITLES = (
    "Weekly Therapy Session",
    "Follow-up Session",
    "Progress Check-in",
    "CBT Skills Session",
    "Coping Strategies Review",
    "Goal-Setting Session",
    "Mindfulness Practice Session",
    RELAPSE_TITLE,
    "Stress Management Session",
    "Cognitive Restructuring Session",
)
SESSION_DESCRIPTIONS = (
    "Continue working on the goals set in the last session and review the week.",
    "Review how the practice since the last session went and plan the next steps.",
    "Check in on mood, sleep and daily routines since the last meeting.",
    "Practise a grounding technique and discuss when to use it.",
    "Look at recent stressful situations and the thoughts that came with them.",
    "Revisit the treatment plan and adjust goals where needed.",
    "Explore what has been helping and what has felt harder lately.",
)
# The first session of a pair: nothing to continue from yet.
FIRST_SESSION_DESCRIPTIONS = (
    "Get to know each other, talk through what brings you here and agree on first goals.",
    "Intake: your history, current concerns and what you hope to get from therapy.",
    "Go over the pre-assessment together and plan how sessions will work.",
    "A first conversation about your situation, confidentiality and next steps.",
)

# Session notes: opening + focus + client response + plan (8 x 7 x 7 x 7 combinations).
# The regular pools may refer to earlier sessions; a pair's first session takes its notes
# from the FIRST_NOTE_* pools below, which never do.
# Opening sentences that name a symptom (``NOTE_SYMPTOMS`` says which scale each needs).
OPENING_STRESS = "Client reported a difficult week with elevated stress at work."
OPENING_SLEEP = "Client described improved sleep over the past several nights."
OPENING_PANIC = "Client reported fewer panic symptoms since the last appointment."
OPENING_MOOD = "Client reported a lift in mood and a little more energy than in recent weeks."
NOTE_OPENINGS = (
    "Client arrived on time and engaged well throughout the session.",
    "Client presented with a calmer affect than in the previous session.",
    OPENING_STRESS,
    OPENING_SLEEP,
    "Client was initially guarded but opened up as the session progressed.",
    OPENING_PANIC,
    "Client shared a recent conflict with a family member.",
    OPENING_MOOD,
)

# Note texts the clinical constraints below pick out by name (``SAFETY_CLEAR``, ``NOTE_NEEDS``),
# so that reordering a pool cannot move a constraint onto another text.
FOCUS_THOUGHT_RECORD = (
    "We reviewed the thought record and identified two recurring cognitive distortions."
)
PLAN_THOUGHT_RECORD = "Plan: continue the daily thought record and review it next session."
PLAN_SLEEP_DIARY = "Plan: keep a sleep diary for one week."
PLAN_NO_SAFETY_CONCERNS = "Plan: no safety concerns noted; maintain the current session frequency."
FIRST_PLAN_NO_SAFETY_CONCERNS = (
    "Plan: no safety concerns noted; begin weekly sessions and review goals in a month."
)

FOCUS_SLEEP_HYGIENE = "Session addressed sleep hygiene and a consistent wind-down routine."

NOTE_FOCUS = (
    FOCUS_THOUGHT_RECORD,
    "Session focused on behavioural activation and scheduling small pleasant activities.",
    "We practised diaphragmatic breathing and a 5-4-3-2-1 grounding exercise.",
    "We explored avoidance patterns and built a gradual exposure hierarchy.",
    FOCUS_SLEEP_HYGIENE,
    "We worked on assertive communication using role-play.",
    "We discussed values and how current goals connect to them.",
)
NOTE_RESPONSES = (
    "Client was receptive and could name situations to apply the skill.",
    "Client found the exercise helpful and rated distress lower afterwards.",
    "Client expressed some doubt but agreed to try the technique this week.",
    "Client identified early warning signs more readily than before.",
    "Client linked current difficulties to earlier patterns with good insight.",
    "Client reported feeling more hopeful by the end of the session.",
    "Client needed extra time to process but remained engaged.",
)
NOTE_PLANS = (
    PLAN_THOUGHT_RECORD,
    "Plan: schedule three pleasant activities and track mood before and after.",
    "Plan: practise the breathing exercise twice daily; follow up next week.",
    "Plan: attempt the first two steps of the exposure hierarchy.",
    PLAN_SLEEP_DIARY,
    "Plan: rehearse the assertive script before the planned conversation.",
    PLAN_NO_SAFETY_CONCERNS,
)
FIRST_OPENING_MOOD_SLEEP = (
    "Client presented for a first appointment reporting ongoing low mood and poor sleep."
)
FIRST_OPENING_WORRY = (
    "Client described persistent worry at work and at home over the past few months."
)
FIRST_OPENING_STRESS = (
    "Client came to the intake under heavy stress and finding it hard to switch off."
)
FIRST_NOTE_OPENINGS = (
    "Intake session: client arrived on time and described what led them to seek therapy.",
    "First session with this client; reviewed consent, confidentiality and telehealth limits.",
    "Client attended the initial consultation and shared their history and current stressors.",
    "Client was somewhat guarded at first but engaged as rapport developed over the intake.",
    FIRST_OPENING_MOOD_SLEEP,
    FIRST_OPENING_WORRY,
    FIRST_OPENING_STRESS,
)
FIRST_NOTE_FOCUS = (
    "We reviewed the pre-assessment results and agreed on two initial treatment goals.",
    "Session focused on building rapport and mapping current triggers and coping strategies.",
    "We gathered background on work, relationships, sleep and prior therapy experience.",
    "We introduced the cognitive-behavioural model and how our sessions will be structured.",
    "We discussed what the client hopes to change and how progress will be measured.",
)
FIRST_NOTE_RESPONSES = (
    "Client was receptive and asked thoughtful questions about the process.",
    "Client expressed some ambivalence but agreed to a trial period of weekly sessions.",
    "Client said it was a relief to start and felt more hopeful by the end of the session.",
    "Client needed extra time to tell their story but remained engaged.",
)
FIRST_NOTE_PLANS = (
    "Plan: keep a brief daily mood log and bring it to the next session.",
    "Plan: weekly sessions, starting with sleep and daily routine.",
    FIRST_PLAN_NO_SAFETY_CONCERNS,
    "Plan: try one grounding exercise daily and note what helps.",
)

# Note texts that name a symptom, used only for a client whose assessments show it: text ->
# the scales (PreAssessment severityLevels keys) it needs ELEVATED, both in the client's
# latest assessment before the session (what the therapist knew) and in its latest one
# (what the app shows now). A client whose scales are all low gets the other texts.
ELEVATED = {
    "phq9": ("moderate", "moderately severe", "severe"),
    "gad7": ("moderate", "severe"),
    "pss10": ("moderate", "high"),
    "isi": ("subthreshold", "moderate", "severe"),
}
NOTE_SYMPTOMS: dict[str, tuple[str, ...]] = {
    OPENING_STRESS: ("pss10",),
    OPENING_SLEEP: ("isi",),
    OPENING_PANIC: ("gad7",),
    OPENING_MOOD: ("phq9",),
    FOCUS_SLEEP_HYGIENE: ("isi",),
    FIRST_OPENING_MOOD_SLEEP: ("phq9", "isi"),
    FIRST_OPENING_WORRY: ("gad7",),
    FIRST_OPENING_STRESS: ("pss10",),
}

# A text that clears the client of risk: never in a note of a client whose assessment ever
# flagged self-harm ideation (``RISK_*`` below say what such notes say instead).
SAFETY_CLEAR = (PLAN_NO_SAFETY_CONCERNS, FIRST_PLAN_NO_SAFETY_CONCERNS)
# The risk paragraph of a note of a session held after the client's assessment flagged
# self-harm ideation (its crisis needs recommend a safety plan): at the first session the
# risk is assessed and a safety plan written, at later ones both are reviewed.
RISK_FIRST_NOTES = (
    "Risk: the pre-assessment flagged self-harm ideation; risk assessed in session (passive "
    "ideation, no plan or intent) and a safety plan written together; 988 shared.",
    "Risk: assessed given the ideation flagged at intake; no current plan or intent; client and "
    "therapist drew up a safety plan with warning signs and contacts.",
    "Risk: discussed the self-harm ideation reported in the assessment; client denies intent; "
    "safety plan completed and a copy given to the client.",
)
RISK_NOTES = (
    "Risk: reassessed; ideation without plan or intent; the safety plan was reviewed and kept.",
    "Risk: safety plan reviewed and updated with the client's coping steps and contacts.",
    "Risk: checked in on self-harm thoughts; none acted on; client knows to use the safety plan "
    "and call 988 if urges rise.",
    "Risk: reviewed; client reports fewer intrusive thoughts; safety plan remains in place.",
)

# Note texts that name homework, used only where the pair's worksheets bear them out:
# text -> (when, worksheet title). "before": a worksheet of that title was assigned to the
# pair before the session; "after": one is assigned within NOTE_PLAN_WITHIN_DAYS of its start
# (the plan the note names); "done" / "next" (title None): the text names, in place of
# "{title}", the pair's latest worksheet submitted before the session / its first one
# assigned within NOTE_PLAN_WITHIN_DAYS of the start.
NOTE_PLAN_WITHIN_DAYS = 8
NOTE_FOCUS_DONE = "We went over the {title} worksheet the client completed and what it showed."
NOTE_PLAN_NEXT = "Plan: work through the {title} worksheet before the next session."
NOTE_NEEDS: dict[str, tuple[str, str | None]] = {
    FOCUS_THOUGHT_RECORD: ("before", "Thought Record"),
    PLAN_THOUGHT_RECORD: ("before", "Thought Record"),
    PLAN_SLEEP_DIARY: ("after", "Sleep Diary"),
    NOTE_FOCUS_DONE: ("done", None),
    NOTE_PLAN_NEXT: ("next", None),
}

# Worksheet templates: (title, slug, description, minutes, steps).
WORKSHEETS = (
    (
        "Thought Record",
        "thought-record",
        "Notice automatic thoughts and weigh the evidence for and against them.",
        20,
        (
            "Describe the situation briefly.",
            "Write down the automatic thought.",
            "Rate how strongly you believe it (0-100).",
            "List evidence for and against it.",
            "Write a more balanced thought and re-rate your belief.",
        ),
    ),
    (
        "Behavioral Activation Log",
        "behavioral-activation-log",
        "Plan small activities and notice how they affect your mood.",
        15,
        (
            "List three activities you used to enjoy.",
            "Schedule one for each of three days.",
            "Rate your mood before and after each activity.",
            "Note anything that got in the way.",
        ),
    ),
    (
        "Anxiety Exposure Hierarchy",
        "exposure-hierarchy",
        "Build a ladder of feared situations from least to most difficult.",
        25,
        (
            "List ten situations that make you anxious.",
            "Rate each from 0 to 100.",
            "Order them from easiest to hardest.",
            "Choose the first step to practise this week.",
        ),
    ),
    (
        "Sleep Diary",
        "sleep-diary",
        "Track your sleep for a week to spot patterns.",
        10,
        (
            "Record bedtime and wake time each day.",
            "Estimate how long it took to fall asleep.",
            "Note caffeine, screens and exercise.",
            "Rate how rested you felt in the morning.",
        ),
    ),
    (
        "Values Clarification",
        "values-clarification",
        "Identify what matters most to you and how your week reflects it.",
        20,
        (
            "Pick five values from the list.",
            "Rate how closely you lived each one this week.",
            "Choose one small action for your top value.",
        ),
    ),
    (
        "Gratitude Journal",
        "gratitude-journal",
        "Write down things you are grateful for to practise noticing the positive.",
        10,
        (
            "Each evening, write three things that went well.",
            "Add why each one happened.",
            "At the end of the week, reread your entries.",
        ),
    ),
    (
        "Coping Skills Plan",
        "coping-skills-plan",
        "Prepare a personal plan for difficult moments.",
        15,
        (
            "List your common triggers.",
            "Write two coping skills for each trigger.",
            "Add people you can reach out to.",
            "Keep the plan somewhere easy to find.",
        ),
    ),
    (
        "Worry Time Practice",
        "worry-time",
        "Set aside a daily worry period to contain rumination.",
        15,
        (
            "Choose a 15-minute worry slot each day.",
            "Postpone worries until that time.",
            "During the slot, write worries down and sort them.",
            "Note how the urge to worry changes.",
        ),
    ),
    (
        "Self-Compassion Break",
        "self-compassion-break",
        "Practise responding to yourself with kindness in hard moments.",
        10,
        (
            "Notice a moment of stress or self-criticism.",
            "Acknowledge that it is hard.",
            "Remind yourself others feel this too.",
            "Offer yourself a kind phrase.",
        ),
    ),
)
# Days a worksheet takes at least before it can be handed in, by title (its steps span them:
# a week of nights or evenings, an activity on each of three days); others, none.
WORKSHEET_MIN_DAYS = {"Sleep Diary": 7, "Gratitude Journal": 7, "Behavioral Activation Log": 3}

# A therapist's feedback on a submission: a text for any worksheet, or one about that title's
# work (``WORKSHEET_FEEDBACK_FOR``); a progress text (``WORKSHEET_FEEDBACK_PROGRESS``) only
# where the client handed the pair a worksheet at least FEEDBACK_PROGRESS_AFTER_DAYS earlier.
WORKSHEET_FEEDBACK = (
    "Thank you for completing this. Let's go through it together next session.",
    "Good effort. I have a couple of questions about it that we can look at next time.",
)
WORKSHEET_FEEDBACK_FOR = {
    "Thought Record": (
        "Great work completing this. Your balanced thoughts are getting more specific; let's "
        "build on that next session.",
        "Nice effort. Let's talk about the situation where your belief rating stayed high and "
        "what was different.",
    ),
    "Behavioral Activation Log": (
        "You followed through even on the harder days, which matters. Let's pick the next "
        "activity.",
        "Good to see your mood ratings lift after the walks. Let's schedule more of those.",
    ),
    "Anxiety Exposure Hierarchy": (
        "Your ladder is well ordered. Let's agree on the first step to practise this week.",
        "Good start. A few of the ratings are close together; we can split the bigger steps.",
    ),
    "Sleep Diary": (
        "Thank you for keeping this every day. I noticed a pattern on the busier days that we "
        "can explore together.",
        "Good start. Try to fill it in soon after waking so the times are fresher.",
    ),
    "Values Clarification": (
        "Thank you for being so honest about where your week fell short of your values.",
        "Your top value comes through clearly. Let's plan the small action together.",
    ),
    "Gratitude Journal": (
        "Lovely entries. Noticing why the good moments happened is the key part; keep that up.",
        "You kept at it every evening, which matters. Let's talk about what you noticed "
        "rereading them.",
    ),
    "Coping Skills Plan": (
        "This is a clear plan. Let's rehearse one of the coping skills in our next session.",
        "Good list of triggers. Let's add one more person you could reach out to.",
    ),
    "Worry Time Practice": (
        "Well done postponing the worries to your slot. Let's look at how the urge changed.",
        "Good start. Try to keep the worry slot at the same time each day.",
    ),
    "Self-Compassion Break": (
        "The kind phrase you chose is a good one. Let's practise using it in the moment.",
        "Thank you for being so honest about the self-criticism. That takes courage.",
    ),
}
FEEDBACK_PROGRESS_AFTER_DAYS = 14
WORKSHEET_FEEDBACK_PROGRESS = (
    "This shows real progress compared with a few weeks ago. Keep going with the same routine.",
    "Compared with your earlier worksheets this one goes deeper. Nice work.",
)

# Reviews by rating (index 0 = 1 star): titles and bodies.
# A review is of one session, written while the pair goes on (one that ended was reviewed
# before it ended), so no text says the client is leaving or looking elsewhere.
REVIEW_TITLES = (
    ("Not what I hoped for", "Disappointing experience"),
    ("Mixed feelings", "Some helpful moments"),
    ("Decent support", "Helpful but room to grow"),
    ("Really helpful sessions", "Supportive and practical", "Would recommend"),
    ("Life-changing support", "Exactly what I needed", "Highly recommend", "Grateful"),
)
REVIEW_BODIES = (
    (
        "Sessions often felt rushed and I did not feel heard.",
        "We never really agreed on goals; I hope the next sessions are more focused.",
    ),
    (
        "Some of the techniques helped, but scheduling was difficult.",
        "Kind and professional, though the approach did not quite click for me.",
        "I appreciated the worksheets, but the sessions felt a bit unstructured.",
    ),
    (
        "Good listener and the sessions were useful overall.",
        "It took a while to find our rhythm, but things are improving.",
        "Solid, practical advice. I would like a bit more follow-up between sessions.",
    ),
    (
        "Warm, patient and practical. The coping tools actually work for me.",
        "I feel more in control of my anxiety than I have in a long time.",
        "Very easy to talk to and always well prepared for our sessions.",
        "The homework felt relevant and the progress is noticeable.",
    ),
    (
        "I finally feel understood. Each session leaves me with something concrete to try.",
        "My therapist helped me through a really hard stretch. I cannot recommend them enough.",
        "Compassionate, insightful and consistent. My sleep and mood have both improved.",
        "I was nervous about online therapy, but this has been the best decision I made this year.",
        "Clear, kind and structured. I look forward to our sessions.",
    ),
)
# Reviews written after few sessions (``EARLY_REVIEW_SESSIONS`` completed by then): first
# impressions, by rating as above; the texts above tell of a longer course of therapy.
EARLY_REVIEW_SESSIONS = 2
EARLY_REVIEW_TITLES = (
    ("Not a good first impression", "Off to a rough start"),
    ("Unsure so far", "Early days, mixed feelings"),
    ("A decent start", "Promising so far"),
    ("Good first impression", "Off to a good start", "Would recommend"),
    ("Wonderful start", "Exactly what I was looking for", "Highly recommend", "Grateful"),
)
EARLY_REVIEW_BODIES = (
    (
        "It felt rushed so far and I did not feel heard.",
        "We have not agreed on goals yet; I hope the next sessions are more focused.",
    ),
    (
        "Kind and professional, though the approach has not quite clicked for me yet.",
        "Some useful ideas, but it is too early to tell if this approach suits me.",
        "Getting the first appointment scheduled was harder than it should be.",
    ),
    (
        "A good listener. Too early to say much, but a reasonable start.",
        "Useful so far; I would like clearer next steps.",
        "It took a little while to warm up, but I will give it a few more sessions.",
    ),
    (
        "Warm and easy to talk to from the start.",
        "I came away with a couple of practical tools to try.",
        "Well prepared and attentive. Looking forward to the next sessions.",
        "I felt comfortable opening up sooner than I expected.",
    ),
    (
        "I felt understood from the start. Looking forward to what comes next.",
        "I was nervous about online therapy, but I was put at ease right away.",
        "Clear, kind and structured. I already have something concrete to try.",
        "A really reassuring start. I wish I had reached out sooner.",
        "Compassionate and insightful from day one.",
    ),
)
# Upstream's star weights for ratings 1..5 (seeder.md §6.3).
RATING_WEIGHTS = (1, 2, 5, 15, 25)
# A client who goes on meeting its therapist does not rate it 1-2 stars: upstream's weights
# without them. A client whose pair ended (it moved on) rates the sessions it had lower.
ACTIVE_RATING_WEIGHTS = (0, 0, *RATING_WEIGHTS[2:])
ENDED_RATING_WEIGHTS = (2, 3, 5, 10, 10)

# Pre-assessment instruments: name, item count, item maximum, severity bands (upper bound
# inclusive, label). Standard published cut-offs.
PHQ9_BANDS = (
    (4, "minimal"),
    (9, "mild"),
    (14, "moderate"),
    (19, "moderately severe"),
    (27, "severe"),
)
GAD7_BANDS = ((4, "minimal"), (9, "mild"), (14, "moderate"), (21, "severe"))
PSS10_BANDS = ((13, "low"), (26, "moderate"), (40, "high"))
ISI_BANDS = ((7, "none"), (14, "subthreshold"), (21, "moderate"), (28, "severe"))
# PSS-10 items 4, 5, 7 and 8 are positively worded and reverse-scored (4 - answer).
PSS10_REVERSED = (3, 4, 6, 7)
# Overall severity on one ordinal scale: the worst instrument, each band mapped to 0..4.
OVERALL_SEVERITY = ("minimal", "mild", "moderate", "moderately severe", "severe")
CONCERNS = ("depression", "anxiety", "stress", "insomnia")
INTERVENTIONS = {
    "depression": ("Cognitive Behavioral Therapy (CBT)", "Behavioral Activation"),
    "anxiety": ("Cognitive Behavioral Therapy (CBT)", "Exposure Therapy"),
    "stress": ("Mindfulness-Based Stress Reduction", "Acceptance and Commitment Therapy (ACT)"),
    "insomnia": ("CBT for Insomnia (CBT-I)", "Sleep Hygiene Education"),
    "general wellbeing": ("Supportive Counseling", "Psychoeducation"),
}
AI_MODEL = "mentara-triage-v2"
PRIOR_THERAPY = (
    "Cognitive Behavioral Therapy (CBT)",
    "Talk therapy",
    "Group therapy",
    "School counseling",
    "Couples counseling",
)
MEDICATION_TYPES = ("SSRI", "SNRI", "Sleep aid", "Beta blocker", "Mood stabilizer")
SUPPORT_LEVELS = ("strong", "moderate", "limited")
LIVES_WITH = ("alone", "partner", "family", "roommates")

# Payments.
CARD_BRANDS = ("Visa", "Mastercard", "American Express", "Discover")
CARD_BRAND_WEIGHTS = (0.5, 0.3, 0.12, 0.08)
BANKS = (
    "Chase",
    "Bank of America",
    "Wells Fargo",
    "Citibank",
    "Capital One",
    "U.S. Bank",
    "PNC Bank",
    "TD Bank",
)
WALLETS = ("PayPal", "Apple Pay", "Google Pay")
STREETS = (
    "Maple Ave",
    "Oak St",
    "Pine St",
    "Cedar Ln",
    "Elm St",
    "Washington Blvd",
    "Lakeview Dr",
    "Park Ave",
    "Sunset Blvd",
    "Hillcrest Rd",
)
CARD_EXPIRED = "Card expired"
FAILURE_REASONS = (
    "Card declined by the issuing bank",
    "Insufficient funds",
    CARD_EXPIRED,
    "Payment authentication was not completed",
    "Processing error at the payment provider",
)
# Why a payment with a method of each type fails: a card's reasons (FAILURE_REASONS) are the
# card network's, a bank account's the bank's, a wallet's its provider's (GCash and Maya are
# wallets). CARD_EXPIRED only for a card past its expiry (the payments enricher).
BANK_FAILURE_REASONS = (
    "Insufficient funds",
    "Payment declined by the bank",
    "Bank transfer was returned unpaid",
    "Processing error at the payment provider",
)
WALLET_FAILURE_REASONS = (
    "Payment declined by the wallet provider",
    "Insufficient wallet balance",
    "Wallet authorization was not completed",
    "Processing error at the payment provider",
)
FAILURE_REASONS_BY_TYPE = {
    "CARD": FAILURE_REASONS,
    "BANK_ACCOUNT": BANK_FAILURE_REASONS,
    "DIGITAL_WALLET": WALLET_FAILURE_REASONS,
    "GCASH": WALLET_FAILURE_REASONS,
    "MAYA": WALLET_FAILURE_REASONS,
}

# Client preferences.
GENDER_PREFERENCES = ("no preference", "female", "male", "non-binary")
SESSION_FREQUENCIES = ("weekly", "biweekly", "monthly")
BUDGET_RANGES = (
    (0, 100, "under $100"),
    (100, 150, "$100-$150"),
    (150, 200, "$150-$200"),
    (200, 10**9, "$200+"),
)
PARTS_OF_DAY = ((0, 12, "mornings"), (12, 17, "afternoons"), (17, 24, "evenings"))
AGE_RANGES = ((0, 35, "25-35"), (35, 50, "35-50"), (50, 200, "50+"))
CONSIDERATIONS_RISK = "Would like a safety plan discussed early on."
CONSIDERATIONS = (
    "Prefers a therapist who gives practical homework.",
    "Works shifts, so a consistent weekly time helps.",
    "First time in therapy; would like the process explained.",
    "Would like to include a partner in some sessions later.",
    "Prefers video sessions with the camera optional at first.",
)
APPROACHES_FOR = {
    "depression": (
        "Cognitive Behavioral Therapy (CBT)",
        "Psychodynamic Therapy",
        "Acceptance and Commitment Therapy (ACT)",
    ),
    "anxiety": (
        "Cognitive Behavioral Therapy (CBT)",
        "Acceptance and Commitment Therapy (ACT)",
        "Mindfulness-Based Therapy",
    ),
    "stress": ("Mindfulness-Based Therapy", "Solution-Focused Brief Therapy"),
    "insomnia": ("Cognitive Behavioral Therapy (CBT)", "Mindfulness-Based Therapy"),
    "general wellbeing": ("Humanistic Therapy", "Solution-Focused Brief Therapy"),
}
