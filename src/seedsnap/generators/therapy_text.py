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

# Reviews. A review's text is composed: an opening (by rating, and by whether the pair had
# had at most EARLY_REVIEW_SESSIONS completed sessions by then: a first impression, or a
# course of therapy), one or two middles (what helped or did not, by tone: 1-2 stars
# critical, 3 mixed, 4-5 warm; the generic ones by register too) and a closing (by rating).
# "{sessions}" in an opening is the pair's completed sessions by then ("two sessions"); a
# middle of the approach kind names the therapist's approach ("{approach}",
# APPROACH_PHRASES), one of the worksheet kind the worksheets the pair had been given by then
# (a singular and a plural form). A review is of one session, written while the pair goes on
# (one that ended was reviewed before it ended), so no text says the client is leaving or
# looking elsewhere. No opening holds a LIKE wildcard, and no early opening reads as a course
# one (check matches them).
EARLY_REVIEW_SESSIONS = 2
REVIEW_TONE = (0, 0, 1, 2, 2)  # per rating 1..5: critical, mixed, warm
REVIEW_OPENINGS = (
    (
        "After {sessions} I still do not feel this therapist is really listening.",
        "I have given this {sessions} now and it is not working for me.",
        "I have had {sessions} and honestly I am disappointed.",
        "Over the past weeks I have left most sessions more frustrated than I came in.",
    ),
    (
        "I have had {sessions} so far and it has mostly not gone well.",
        "After {sessions} I expected more progress than this.",
        "I wanted this to work, and over {sessions} it mostly has not.",
        "Looking back over the past weeks, I am not convinced.",
    ),
    (
        "After {sessions} there have been good weeks and not-so-good ones.",
        "I have had {sessions} now: some helpful, some less so.",
        "Over {sessions} my feelings about this have been mixed.",
        "Looking back over the past weeks, it has been a bit of both.",
    ),
    (
        "After {sessions} I can say this has been genuinely helpful.",
        "I have had {sessions} so far and I am glad I stuck with it.",
        "Over {sessions} things have slowly been getting better.",
        "Looking back over the past weeks, I am in a better place than when I started.",
    ),
    (
        "After {sessions} I can honestly say this has changed a lot for me.",
        "I have had {sessions} and every one of them was worth it.",
        "Over {sessions} I have come further than I thought I could.",
        "Looking back over the past weeks, I hardly recognise how stuck I was.",
        "I was nervous about online therapy, but {sessions} later I am so glad I started.",
    ),
)
EARLY_REVIEW_OPENINGS = (
    (
        "Only {sessions} in, but this has not been a good start.",
        "My first impression was not good.",
        "It felt rushed from the start.",
    ),
    (
        "It is early days, just {sessions}, but I am not convinced yet.",
        "Not the first impression I was hoping for.",
        "A rough start.",
    ),
    (
        "It is hard to judge after just {sessions}.",
        "A mixed first impression.",
        "Early days, and I am not sure yet.",
    ),
    (
        "Only {sessions} in, and it is off to a good start.",
        "A good first impression.",
        "I felt comfortable opening up sooner than I expected.",
    ),
    (
        "Just {sessions} so far and I already feel more hopeful.",
        "I felt understood from the very first session.",
        "I was nervous about online therapy, but I was put at ease right away.",
        "A really reassuring start.",
    ),
)
# Middles by tone: generic sentences, sentences naming the approach, and worksheet
# sentences as (one worksheet, several) pairs.
REVIEW_MIDDLES = (
    (
        "Sessions often felt rushed and I did not feel heard.",
        "We have not agreed on clear goals.",
        "I often had to repeat things I had already explained.",
        "Sessions started late more than once.",
        "I left most sessions without anything concrete to work on.",
        "It sometimes felt like the advice was not meant for me.",
    ),
    (
        "Kind and professional, though scheduling was sometimes difficult.",
        "A good listener, but I would like clearer next steps.",
        "Some sessions felt really useful, others a bit unfocused.",
        "I would like a bit more follow-up between sessions.",
        "It took a while to find our rhythm.",
        "The advice is sound, if a little general.",
    ),
    (
        "Warm, patient and easy to talk to.",
        "Always well prepared and attentive.",
        "I feel listened to without being judged.",
        "Things are explained clearly and I never feel rushed.",
        "Each session leaves me with something concrete to try.",
        "I feel more in control than I have in a long time.",
        "My mood has started to lift.",
        "I look forward to our sessions.",
    ),
)
# The same for a first impression (at most EARLY_REVIEW_SESSIONS sessions: no "most sessions").
EARLY_REVIEW_MIDDLES = (
    (
        "It felt rushed and I did not feel heard.",
        "We did not agree on any clear goals.",
        "I had to repeat things I had already explained.",
        "I left without anything concrete to work on.",
        "It felt like the advice was not meant for me.",
    ),
    (
        "Kind and professional, though getting the first appointment was harder than it should be.",
        "A good listener, but I would like clearer next steps.",
        "Some useful ideas, but it is too early to tell if this suits me.",
        "It took a little while to warm up.",
        "The advice is sound, if a little general.",
    ),
    (
        "Warm, patient and easy to talk to.",
        "Well prepared and attentive.",
        "I felt listened to without being judged.",
        "Things were explained clearly and I never felt rushed.",
        "I came away with a couple of practical tools to try.",
        "I already feel a little lighter.",
    ),
)
REVIEW_APPROACH_MIDDLES = (
    ("I did not get much out of {approach}.", "I expected more from {approach} than I got."),
    (
        "I got something out of {approach}, though not as much as I hoped.",
        "Parts of {approach} are useful, parts are not really my thing.",
    ),
    ("I got a lot out of {approach}.", "I have really come to value {approach}."),
)
REVIEW_WORKSHEET_MIDDLES = (
    (
        (
            "The worksheet I was given felt generic, not tailored to me.",
            "The worksheets I was given felt generic, not tailored to me.",
        ),
        ("The worksheet felt like busywork to me.", "The worksheets felt like busywork to me."),
    ),
    (
        (
            "The worksheet is useful, though I would like to go through it together.",
            "The worksheets are useful, though I would like to go through them together more.",
        ),
        (
            "The worksheet is a good idea, but I would like more guidance with it.",
            "The worksheets are a good idea, but I would like more guidance with them.",
        ),
    ),
    (
        (
            "The worksheet helps me practise what we talk about.",
            "The worksheets help me practise what we talk about.",
        ),
        (
            "The worksheet feels relevant and makes the ideas stick.",
            "The worksheets feel relevant and make the ideas stick.",
        ),
    ),
)
# The therapist's approach (Therapist.approaches) as a review names it.
APPROACH_PHRASES = {
    "Cognitive Behavioral Therapy (CBT)": "the CBT exercises",
    "Trauma-Focused CBT": "the trauma-focused CBT work",
    "Mindfulness-Based Therapy": "the mindfulness exercises",
    "Acceptance and Commitment Therapy (ACT)": "the ACT exercises",
    "Dialectical Behavior Therapy (DBT)": "the DBT skills",
    "EMDR": "the EMDR sessions",
    "Psychodynamic Therapy": "the psychodynamic approach",
    "Family Systems Therapy": "looking at my family patterns",
    "Solution-Focused Brief Therapy": "the solution-focused approach",
    "Humanistic Therapy": "the person-centred approach",
    "Motivational Interviewing": "the motivational interviewing",
}
REVIEW_CLOSINGS = (
    (
        "I cannot recommend it based on my experience.",
        "I hope other clients have a better experience.",
        "Not what I needed.",
        "Disappointing overall.",
    ),
    (
        "Maybe a better fit for someone else.",
        "Disappointed overall.",
        "I hope it improves.",
        "Not quite what I hoped for.",
    ),
    (
        "Overall okay, with room to grow.",
        "I will see how the next sessions go.",
        "Decent, but not quite there yet.",
        "Helpful in parts.",
    ),
    (
        "I would recommend them.",
        "Glad I found this therapist.",
        "Thank you for the support so far.",
        "A good fit for me.",
    ),
    (
        "I cannot recommend them enough.",
        "Highly recommend.",
        "Truly grateful.",
        "The best decision I made this year.",
        "Thank you for everything.",
    ),
)
REVIEW_TITLES = (
    ("Not what I hoped for", "Disappointing experience", "Did not work for me", "Not a fit"),
    ("Mixed feelings, mostly negative", "Not convinced", "Could be better", "Underwhelming"),
    ("Some helpful moments", "Decent support", "Helpful but room to grow", "Okay overall"),
    (
        "Really helpful sessions",
        "Supportive and practical",
        "Would recommend",
        "Steady progress",
        "A good fit",
    ),
    (
        "Life-changing support",
        "Exactly what I needed",
        "Highly recommend",
        "Grateful",
        "Truly helpful",
        "Worth every session",
    ),
)
EARLY_REVIEW_TITLES = (
    ("Not a good first impression", "Off to a rough start", "Disappointing start"),
    ("Unsure so far", "Not convinced yet", "Could be better"),
    ("Early days, mixed feelings", "A decent start", "Too early to tell"),
    ("Good first impression", "Off to a good start", "Promising so far"),
    ("Wonderful start", "Exactly what I was looking for", "Highly recommend", "Grateful"),
)
# Session counts as a review spells them: words up to twelve, digits above.
COUNT_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six",
    "seven", "eight", "nine", "ten", "eleven", "twelve",
)  # fmt: skip
# Upstream's star weights for ratings 1..5 (seeder.md §6.3).
RATING_WEIGHTS = (1, 2, 5, 15, 25)
# A client who goes on meeting its therapist does not rate it 1-2 stars: upstream's weights
# without them. A client whose pair ended (it moved on) rates the sessions it had lower.
ACTIVE_RATING_WEIGHTS = (0, 0, *RATING_WEIGHTS[2:])
ENDED_RATING_WEIGHTS = (2, 3, 5, 10, 10)
# A review of at most this many stars is a low one: only a pair that ended gets one, and it
# asks for the session's money back (enrichers/payments.py); check reads it too.
LOW_STARS = 2

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
# The mobile number of a GCash or Maya wallet (both take a Philippine mobile, 09XX-XXX-XXXX,
# stored as its 11 digits, as a version of upstream's payment seed makes both): the prefix
# PH_FICTION_PREFIX and seven keyed digits. The Philippine regulator (NTC) keeps no range for
# fiction as North America does (555-0100 to 555-0199, the therapists' mobiles), so the
# numbers use a 09XX prefix that no network holds: 0952 is in no operator's published list
# (Globe/TM/GOMO, Smart/TNT/Sun, DITO; lists of 2017 to 2025), so a number cannot reach a
# subscriber. Should the NTC assign it, move to another unassigned prefix.
PH_FICTION_PREFIX = "0952"
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
# GCash and Maya also cap what an account moves in a month (a wallet's monthly limit).
PH_WALLET_FAILURE_REASONS = (*WALLET_FAILURE_REASONS, "Monthly wallet transaction limit reached")
FAILURE_REASONS_BY_TYPE = {
    "CARD": FAILURE_REASONS,
    "BANK_ACCOUNT": BANK_FAILURE_REASONS,
    "DIGITAL_WALLET": WALLET_FAILURE_REASONS,
    "GCASH": PH_WALLET_FAILURE_REASONS,
    "MAYA": PH_WALLET_FAILURE_REASONS,
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
