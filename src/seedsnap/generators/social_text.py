"""Text vocabularies of the social enrichers: messages, notifications, reports, group sessions,
blocks, chatbot sessions and journal entries.

Short sentences in the peer-support tone of the platform; enrichers compose them (two pools
joined) so that texts vary without a long list. ``{name}``, ``{community}``, ``{title}``-style
placeholders are filled per row with polars, and the slots of message lines
(``MESSAGE_SLOTS``) with keyed picks. ``group_venue`` places an in-person group
session at a venue of its host's state.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from seedsnap.context import Context
from seedsnap.generators.common import text_keys
from seedsnap.generators.users import home_province
from seedsnap.random import child_keys

# --- messages ------------------------------------------------------------------------------

# Conversation openers by who speaks to whom.
# Care openers say nothing of a session or worksheet: those that do are EVENT_LINES, written
# only where the event exists.
OPEN_CLIENT_TO_THERAPIST = (
    "Hi {name}, do you have a minute this week?",
    "Hi {name}, is it okay to message you here between sessions?",
    "Hello {name}, I tried the breathing exercise you suggested.",
    "Hi {name}, I wanted to share how things have been going.",
    "Hey {name}, this week has been a bit rough.",
    "Hi {name}, I have a question whenever you have a moment.",
)
OPEN_THERAPIST_TO_CLIENT = (
    "Hi {name}, just checking in. How are you feeling this week?",
    "Hello {name}, feel free to message me here between sessions.",
    "Hi {name}, I hope the week has been kind to you so far.",
    "Hi {name}, how did the sleep routine go these past few days?",
    "Hello {name}, I wanted to see how the week is going so far.",
)
OPEN_PEER = (
    "Hey {name}! Saw your post in the community and wanted to say hi.",
    "Hi {name}, your comment really stuck with me today.",
    "Hey {name}, how have you been holding up this week?",
    "Hi {name}! Thanks for the encouragement on my post.",
    "Hey {name}, are you going to the group session on Thursday?",
    "Hi {name}, I think we are going through something similar.",
)
OPEN_COLLEAGUE = (
    "Hi {name}, are you co-facilitating the group session this month?",
    "Hey {name}, do you have a good sleep-hygiene handout you like?",
    "Hi {name}, could I run a case by you (de-identified) sometime this week?",
)
OPEN_GROUP = (
    "Welcome everyone! This is a space to check in between {between}.",
    "Hi all, starting a thread for our weekly check-ins.",
    "{hello}, circle! How is everyone arriving today?",
    "Hello everyone, glad to have this space together. How is {one_week} treating you?",
    "{hello}, all! Let's use this chat to cheer each other on, one day at a time.",
    "Welcome, friends. Share a high and a low from {this_week} if you like.",
    "Hi everyone, a new thread for this circle. How are you, honestly?",
    "Hello, circle! Drop a number from 1 to 10 for how {one_week} has been.",
)
# A therapist writing to a community member who is not their client: friendly, general,
# never as a client would ("my therapist ...").
OPEN_THERAPIST_TO_MEMBER = (
    "Hi {name}, I saw your post in the community and wanted to say it resonated with many.",
    "Hi {name}, thanks for your question in the group. Happy to share some general resources.",
    "Hello {name}, I'm one of the therapists in the community. Glad you're finding it useful.",
)
# A community member writing to a therapist who is not theirs: a general question about the
# community's posts or group sessions, never as a peer ("let's cheer each other on"), and
# claiming no contact they may not have had.
OPEN_MEMBER_TO_THERAPIST = (
    "Hi {name}, I've been reading the therapists' posts in the community and had a question.",
    "Hello {name}, I saw the community's group sessions and wanted to ask about them.",
    "Hi {name}, you're one of the therapists in my community. Could I ask a quick question?",
)
MEMBER_TO_THERAPIST_LINES = (
    "Is a breathing exercise like the ones posted here something I can do {at_place} too?",
    "Do the group sessions cover {topic} too?",
    "Is the next group session on {topic} open to new members?",
    "How long should I try {technique} before judging whether it works?",
    "Would grounding steps help with panic at night as well?",
    "Is there a resource in the community on {topic} you would point a beginner to?",
    "{understand} you can only answer in general terms, that's fine.",
    "Are the group sessions recorded, or only live?",
    "Would {technique} be a good place to start?",
    "Thanks, I'll look for those threads in the community.",
    "Is it normal for {hard_time} to feel so much harder than the rest of the week?",
    "Would {short} of breathing a day be enough to notice a difference?",
    "How do I know whether I should look for a therapist of my own?",
    "Thanks for answering, it helps to hear it from a professional.",
)

# Later lines: a first sentence and an optional second one, by speaker role.
CLIENT_LINES = (
    "I managed to get outside for a walk {most_days}.",
    "The journaling prompt helped more than I expected.",
    "I had a panic moment {at_place} but I used the grounding steps.",
    "Sleep is still hit or miss {this_week}, to be honest.",
    "I noticed the anxious thoughts earlier this time.",
    "I wrote down three good things before bed {most_nights}.",
    "Honestly, it was a hard couple of days.",
    "Talking to my {person} about it went better than I thought.",
    "I've been trying to be kinder to myself when I slip.",
    "Right now {hard_time} are the hardest part.",
    "I skipped the gym but I did stretch for {minutes}.",
    "I kept the phone out of the bedroom {nights}.",
    "I tried the breathing exercise before {hard_thing} and it helped.",
    "Eating regular meals has made the afternoons easier.",
    "I said no to {extra} and didn't feel guilty for once.",
    "The worry came back {when_worry}, but it passed faster than before.",
    "I managed {minutes} of the body scan before my mind wandered off.",
    "I caught myself in the old all-or-nothing thinking {at_place}.",
    "My energy has been low {since_when}.",
    "I finally told my {person} how I've been feeling.",
    "I keep putting off {avoided}, and it's weighing on me.",
    "I noticed my shoulders were tense {at_place} and dropped them on purpose.",
    "I went to bed at a reasonable time {nights}.",
    "I had one really good afternoon {this_week}, which surprised me.",
)
THERAPIST_LINES = (
    "That's real progress, {name}, and it's worth noticing.",
    "Thank you for telling me, {name}. Let's look at that together next time.",
    "It sounds like the {tool} did its job.",
    "Hard days are part of it; they don't erase the good ones.",
    "Would it help to try a shorter version of the exercise, say {short}?",
    "Let's keep an eye on {watch} and see what changes.",
    "I'm glad you reached out about this.",
    "Notice how you described that, {name}: with a lot more self-compassion.",
    "We can adjust the plan if it feels like too much right now.",
    "Let's keep the next steps small and doable, {name}.",
    "What do you think made the difference {this_time}?",
    "Try to notice one moment each day when things felt a little lighter, {name}.",
    "That's a lot to carry; it makes sense that you're tired.",
    "It might help to jot down what was going on just before {hard_moment}.",
    "How did your body feel when that happened?",
    "You handled that with more care than you give yourself credit for, {name}.",
    "Let's make the goal even smaller, {name}, so it feels doable.",
    "What would you say to a friend who told you about {hard_moment_noun}?",
    "It's okay that it didn't go perfectly, {name}; you still tried it.",
    "Could you try {short} of something you enjoy each day?",
    "I hear how frustrating that was.",
    "That pattern is worth exploring; keep noticing it.",
    "Rest is allowed, especially after a week like this.",
    "You've put real work in {this_week}, and it shows.",
)
PEER_LINES = (
    "Same here, some days are just heavier than others.",
    "That sounds really tough. I'm glad you shared it.",
    "What helped me was writing things down before bed.",
    "Proud of you for getting through {this_week}!",
    "I hear you. Small steps still count.",
    "Did you try the breathing app someone mentioned in the group?",
    "Thanks for checking in, it means a lot.",
    "I'm doing a bit better than last week, honestly.",
    "Let's keep cheering each other on.",
    "It helps to know I'm not the only one.",
    "I tried your tip about the morning walk and it helped.",
    "Sending you strength for tomorrow.",
    "Honestly, the community posts got me through {this_week}.",
    "I'm trying the evening walk idea too, and it does help a bit.",
    "I find {hard_time} rough too, you're not alone there.",
    "I started doing {minutes} of stretching in the morning, might help you too.",
    "How did it go with your {person} in the end?",
    "I had a wobbly day but I'm okay now.",
    "Your post about sleep made me try going to bed earlier.",
    "We should check in again soon and compare notes.",
    "I keep coming back to what you wrote, it really helped.",
    "Have you tried writing the worries down {when_worry}? It helped me.",
    "Rooting for you with {your_hard_thing}!",
    "Some weeks just ask a lot of us.",
)
GROUP_LINES = (
    "Checking in: a {score} out of 10 today, which is better than yesterday.",
    "Anyone else find {hard_time} hardest?",
    "Small win: I went to the grocery store without my heart racing.",
    "Reminder to drink some water and take a breath, everyone.",
    "Thank you all for being here. This group helps.",
    "I had a setback but I'm trying again today.",
    "Sending good vibes to whoever needs them today.",
    "What's one thing that helped you {this_week}?",
    "Slept a full seven hours last night, first time in a while.",
    "Today was rough, but I showed up here, so that counts.",
    "Does anyone have a go-to grounding trick for crowded places?",
    "I tried the five-senses exercise on the bus and it helped.",
    "Missed the check-in last week, glad to be back.",
    "Work stress is high {this_week}, taking it one hour at a time.",
    "Reading everyone's updates makes me feel less alone.",
    "Rainy days really drag my mood down.",
    "Small win: I said no to {extra}.",
    "Checking in from my lunch break, doing okay.",
    "I went for a walk {most_days} and it's helping a little.",
    "Big exhale, I got through {hard_thing} and survived it.",
    "Does anyone else struggle to switch off {switch_off_when}?",
    "Proud of everyone who showed up {this_week}.",
    "I talked to my {person} about this group and they were really supportive.",
    "My mood is a {score} today, but I'm here.",
)
# The circle's moderator: a host, not a member sharing their own struggles.
MODERATOR_GROUP_LINES = (
    "Thanks for checking in, everyone. Remember to go at your own pace.",
    "A gentle reminder to keep replies kind and supportive.",
    "Great to see so many of you here {this_week}.",
    "If anyone needs more support, the therapists' resources are pinned in the community.",
    "Let's welcome our newest members to the circle.",
    "What's one small thing you're proud of {this_week}?",
    "Feel free to share as much or as little as you like.",
    "This week's group session is open for registration in the community.",
    "Please remember this circle is peer support, not a crisis service.",
    "Thank you for supporting each other so kindly here.",
    "Quick prompt for anyone who wants it: what helped you through {hard_time}?",
    "Lovely to read these updates. Keep looking after yourselves.",
    "No pressure to reply, reading along counts too.",
    "A reminder that the community guidelines are pinned if anyone needs them.",
)
THERAPIST_MEMBER_LINES = (
    "That's a very common experience, {name}, and you're not alone in it.",
    "Some people find a short grounding exercise helpful when {hard_moment_now}.",
    "It could be worth bringing {this_up} up with your own therapist, if you have one.",
    "The community has a few good threads on this; I'll point you to {some_threads}.",
    "Small, steady steps usually work better than big changes all at once, {name}.",
    "I can only speak in general terms here, {name}, but I'm glad you reached out.",
    "Routines that feel small on paper, like {small_routine}, often make the biggest difference.",
    "The community's next group session touches on {exactly_this}.",
    "If things ever feel urgent, {name}, please reach out to a crisis line right away.",
    "Writing down what you notice {when_worry}, without judging it, is a good first step.",
    "Many people find {hard_time} harder; planning something gentle for then can help.",
    "Even {short} of slow breathing can take the edge off.",
    "Being curious about the feeling, rather than fighting it, often helps, {name}.",
    "Sleep and mood are closely linked, so {sleep_start} is a good place to start.",
)
COLLEAGUE_LINES = (
    "Happy to share the handout I use.",
    "{weekday} afternoon works for me.",
    "I've had good results starting with behavioural activation there.",
    "Let's compare notes after the webinar.",
    "Thanks, that framing is really useful.",
    "I'd keep the first few weeks focused on sleep and routine.",
    "Supervision on Friday could be a good place to go through it.",
    "I can send you the worry-time worksheet I adapted.",
    "That sounds like a good fit for a grounding-first approach.",
    "I'm fully booked next week, but the week after is open.",
    "Have you tried shortening the homework to {short}?",
    "Good idea to loop in the group facilitator too.",
    "I'd be curious how the group handles that topic.",
    "Happy to co-facilitate if you need a second person.",
)
SECOND_LINES = (
    "",
    "",
    "",
    " Thanks for listening.",
    " I'll keep you posted.",
    " One day at a time.",
    " Does that make sense?",
    " Anyway, that's my update.",
    " Hope your week is going okay too.",
    " Just wanted to share.",
    " Fingers crossed for the rest of the week.",
    " Not sure what to make of it yet.",
    " It felt good to say that.",
    " Trying to stay hopeful.",
    " I'll try again tomorrow.",
    " Small steps, right?",
)
# Second lines of therapists and moderators: professional, not a client's update.
STAFF_SECOND_LINES = (
    "",
    "",
    "",
    " Take care.",
    " No need to reply.",
    " Let me know how it goes.",
    " I'm here if you have questions.",
    " Go gently.",
    " Thanks for sharing.",
    " Hope the rest of your week is calm.",
)
REPLY_LINES = (
    "Yes, exactly that.",
    "Replying to this because it really resonated.",
    "Good point, I hadn't thought of it that way.",
    "Thank you, that helps.",
    "Agreed, let's try that.",
    "That's so true.",
    "Same for me, honestly.",
    "Love this, thank you for sharing.",
    "That makes a lot of sense.",
    "Coming back to this one, it stuck with me.",
    "This is what I needed to hear today.",
    "Ha, same.",
)

# A client and a past therapist close their chat after the pair ended (the client moved on to
# another therapist or stopped): a short exchange of thanks and goodbye, the only lines of the
# chat after the end. Per opener of the exchange: (its line, the other's answer).
CLOSING_CLIENT = (
    "Hi {name}, I wanted to say thank you for everything these past weeks. It really helped.",
    "Hi {name}, just a short note to thank you. I'm moving on, but I'll keep what we worked on.",
    "Thank you for all your help, {name}. I'm in a much better place than when we started.",
    "Hi {name}, I won't be continuing our sessions, but I didn't want to leave without a "
    "thank you.",
    "{name}, thank you for your patience with me. I'll miss our sessions.",
    "Hi {name}, a quick goodbye and a big thank you for your support.",
    "Thanks again for everything, {name}. I'm taking the tools with me.",
)
CLOSING_THERAPIST_ANSWER = (
    "Thank you, {name}. It was a privilege to work with you. Take good care.",
    "That means a lot, {name}. I'm glad it helped. All the best for what comes next.",
    "Thank you for letting me know, {name}. Wishing you well, and be proud of your work.",
    "It was good working with you, {name}. Take care of yourself.",
    "Thank you, {name}. You did the work; I'm glad I could be part of it. All the best.",
    "Thanks for the kind words, {name}. Go gently, and good luck.",
)
CLOSING_THERAPIST = (
    "Hi {name}, now that we've finished, I wanted to wish you well. It was good working with you.",
    "Hello {name}, a short goodbye from me. Thank you for your trust these past weeks.",
    "Hi {name}, thank you for the work you put in. I wish you all the best.",
    "Hello {name}, I wanted to close our chat properly: take good care of yourself.",
    "Hi {name}, all the best from me. I'm glad I could be part of your progress.",
)
CLOSING_CLIENT_ANSWER = (
    "Thank you, {name}, for everything. Take care too.",
    "Thanks so much, {name}. It really made a difference.",
    "That's kind of you, {name}. Thank you for all your help.",
    "Thank you, {name}. I'll remember what we talked about.",
    "Thanks, {name}. All the best to you as well.",
)

# Lines of a client and their therapist about a session or a worksheet of theirs, written only
# where it exists (the messages enricher looks up what happened around each message):
# event -> (speaker, opener, later line). ``{title}`` is the worksheet's title, ``{day}`` the
# weekday of the session in the reader's local time ("Thursday", "Thursday next week").
EVENT_LINES: dict[str, tuple[str, str, str]] = {
    # the first message the therapist sends within a day of assigning a worksheet
    "worksheet_shared": (
        "therapist",
        'Hello {name}, I shared a new worksheet with you, "{title}". No rush on it.',
        'I shared a new worksheet with you, "{title}". No rush on it.',
    ),
    # the first message the client sends within a day of submitting a worksheet
    "worksheet_done": (
        "client",
        'Hi {name}, I finished "{title}" and sent it in.',
        'I finished "{title}" and sent it in.',
    ),
    # the pair's next session (not cancelled) starts within two weeks
    "next_session": (
        "therapist",
        "Hi {name}, a reminder that we meet on {day}.",
        "Let's pick this up on {day}, if that still works for you.",
    ),
    "move_session": (
        "client",
        "Hi {name}, could we talk about moving our session on {day}?",
        "Would it be possible to move our session on {day}?",
    ),
    # a COMPLETED session of the pair ended within two days
    "after_session": (
        "therapist",
        "Hi {name}, just checking in after our session. How are you feeling?",
        "Thank you for {openness} in our last session.",
    ),
    # a COMPLETED session of the pair ended within two weeks
    "follow_up": (
        "client",
        "Hi {name}, I wanted to follow up on our last session.",
        "I keep thinking about {what_we_said} in our last session.",
    ),
    # the therapist assigned the client a worksheet before (the latest one)
    "worksheet_question": (
        "client",
        'Hi {name}, quick question about "{title}".',
        '"{title}" came in handy when the worry spiked this week.',
    ),
}
# Fillers of the slots of the message lines above ("{most_days}" ...): each message fills a
# slot with a keyed pick (``enrichers.messages._fill_slots``), so one line reads a few ways.
# None names a session, a worksheet or a weekday (the care pools stay general) but
# "{weekday}", a colleague's.
MESSAGE_SLOTS: dict[str, tuple[str, ...]] = {
    "most_days": ("every day", "most days", "four days this week", "three mornings in a row",
                  "on both days off", "almost every evening"),
    "most_nights": ("most nights", "every night this week", "four nights out of seven",
                    "a few nights", "nearly every night"),
    "nights": ("three nights in a row", "all week", "most nights", "two nights running",
               "five nights out of seven"),
    "at_place": ("at work", "on the train", "in the supermarket", "at a family dinner",
                 "in a meeting", "on the drive home", "at the gym"),
    "person": ("sister", "partner", "best friend", "mum", "brother", "dad", "flatmate",
               "manager"),
    "hard_time": ("mornings", "evenings", "Sunday nights", "weekends", "late afternoons",
                  "nights"),
    "minutes": ("ten minutes", "five minutes", "fifteen minutes", "twenty minutes",
                "a few minutes"),
    "hard_thing": ("a hard meeting", "a phone call I was dreading", "a job interview",
                   "a presentation", "a family visit", "a doctor's appointment",
                   "a long commute"),
    # another's hard thing ("Rooting for you with {your_hard_thing}!")
    "your_hard_thing": ("the job interview", "the presentation", "the family visit",
                        "the doctor's appointment", "that hard meeting", "that phone call"),
    "extra": ("an extra shift", "a late meeting", "a party I didn't feel up to",
              "another favour", "a weekend trip", "extra work"),
    "when_worry": ("at night", "on Sunday evening", "after lunch", "first thing in the morning",
                   "in the evenings", "before bed"),
    # when one winds down ("struggle to switch off {switch_off_when}")
    "switch_off_when": ("at night", "in the evenings", "before bed", "on Sunday evening",
                        "after work", "on weekends"),
    "since_when": ("since the weekend", "for a few days", "all week", "since the holidays",
                   "since work got busier"),
    "avoided": ("a phone call", "some paperwork", "replying to a friend", "booking a check-up",
                "a hard conversation", "my inbox"),
    # a span of days, after a present- or a past-tense verb or a preposition ("through")
    "this_week": ("this week", "these past few days", "this weekend"),
    # the subject of a singular verb ("How is {one_week} treating you?")
    "one_week": ("this week", "the week", "your week", "this weekend"),
    "short": ("two minutes", "five minutes", "three minutes", "one minute", "ten minutes"),
    # after "just before" (a past clause, or a noun)
    "hard_moment": ("the panic started", "the argument", "you shut down", "the worry spiked",
                    "things got tense"),
    # after "helpful when" (a present clause of "some people")
    "hard_moment_now": ("panic starts", "the worry spikes", "things get tense",
                        "an argument flares up", "they feel themselves shutting down"),
    "score": ("4", "5", "6", "7", "3", "2"),
    "weekday": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
    "session_goal": ("one walk after dinner", "bed by eleven", "three check-ins with the body",
                     "one worry-time slot a day", "a daily five-minute breather",
                     "one kind thing for yourself each day"),
    "key_phrase": ("notice, name, breathe", "thoughts are not facts", "one step at a time",
                   "pause before you answer", "this feeling will pass"),
    "openness": ("your openness", "all the work you did", "being so honest",
                 "sticking with the hard parts", "your patience"),
    "hard_moment_noun": ("a week like yours", "a setback like this", "a day like that",
                         "the same worry"),
    "ok_start": ("I see.", "Okay, thanks.", "Ah, I see.", "Got it.", "Thanks for checking."),
    "support_after": ("", " Sorry for the trouble.", " Thanks for your patience.",
                      " Let us know if it happens again.", " Hope that helps."),
    "repeat_what": ("that", "the last part", "what you just said", "that last bit"),
    "device": ("laptop", "computer", "tablet", "webcam"),
    "audio": ("headphones", "my earbuds", "the phone speaker", "my headset"),
    "exercise": ("breathing exercise", "body scan", "grounding exercise", "short meditation",
                 "muscle relaxation"),
    "moment": ("a moment", "a minute", "a second", "a few seconds"),
    "resource": ("resource", "article", "video", "podcast episode", "app"),
    "steps": ("three", "four", "five"),
    "where_now": ("today", "on this wifi", "at the moment", "where I am"),
    "after_when": ("after", "for later", "for the week", "to look back on"),
    "froze_when": ("on my side", "for a moment", "again", "just now"),
    "some_threads": ("them", "the best ones", "a couple of them", "the pinned ones"),
    "small_routine": ("a set wake-up time", "a short walk", "regular meals", "a wind-down hour",
                      "a daily check-in with yourself"),
    "exactly_this": ("exactly this", "this very topic", "much of this", "this theme"),
    "sleep_start": ("a regular wake-up time", "a wind-down routine", "an earlier bedtime",
                    "a screen-free last hour"),
    "topic": ("sleep problems", "panic", "low mood", "stress at work", "loneliness",
              "social anxiety"),
    "technique": ("worry time", "journaling before bed", "a daily walk", "the breathing exercise",
                  "a gratitude list", "grounding"),
    # a noun phrase between "bringing" and "up"
    "this_up": ("this", "the sleep side of it", "the worry part", "the physical side of it"),
    # said at any hour; a group opener's by the sender's local hour (HELLO_BY_HOUR)
    "hello": ("Hello", "Hi", "Hey"),
    "between": ("sessions", "our meetings", "the weekly sessions", "the hard days"),
    "understand": ("I understand", "I know", "I realise", "I get that"),
    "tool": ("grounding", "breathing", "walk", "wind-down routine", "journaling"),
    "watch": ("sleep", "your energy", "the evenings", "the worry", "your mood"),
    "that_thing": ("that", "the steps", "the link", "the name of it"),
    "this_time": ("this time", "on the better days", "there", "that day"),
    "what_we_said": ("what we talked about", "what you said about self-talk",
                     "the part about boundaries", "the exercise we tried",
                     "what came up about my family", "the point about sleep"),
}  # fmt: skip
# "{hello}" of a group opener by the sender's local hour: from each hour of HELLO_FROM_HOUR
# (night, morning, afternoon, evening) the pool of HELLO_BY_HOUR at its place, so no
# "Good evening" is sent at noon.
HELLO_FROM_HOUR = (0, 5, 12, 17)
HELLO_BY_HOUR = (
    ("Hello", "Hi", "Hey"),
    ("Good morning", "Morning", "Hello", "Hi", "Hey"),
    ("Good afternoon", "Hello", "Hi", "Hey"),
    ("Good evening", "Evening", "Hello", "Hi", "Hey"),
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

GROUP_TITLE = "{community} peer circle"

REACTION_EMOJIS = ("❤️", "👍", "🙏", "😊", "💪", "🤗")

# --- notifications -------------------------------------------------------------------------

# type -> (title, message). The title is fixed per type, so a checker can match them.
NOTIFICATIONS: dict[str, tuple[str, str]] = {
    "APPOINTMENT_REMINDER": (
        "Upcoming session reminder",
        "Your session with {other} starts on {when}.",
    ),
    "APPOINTMENT_CONFIRMED": (
        "Session confirmed",
        "Your session with {other} on {when} is confirmed.",
    ),
    "APPOINTMENT_CANCELLED": (
        "Session cancelled",
        "Your session with {other} on {when} was cancelled.",
    ),
    "MESSAGE_RECEIVED": ("New message", "{other} sent you a message."),
    "MESSAGE_REACTION": ("New reaction", "{other} reacted {emoji} to your message."),
    "WORKSHEET_ASSIGNED": ("New worksheet assigned", '{other} assigned you "{title}".'),
    "WORKSHEET_DUE": ("Worksheet overdue", '"{title}" was due on {when}.'),
    "WORKSHEET_FEEDBACK": ("Worksheet feedback", '{other} left feedback on "{title}".'),
    "REVIEW_RECEIVED": ("New review received", "{other} left you a {rating}-star review."),
    "RELATIONSHIP_ESTABLISHED": (
        "You're connected",
        "You and {other} are now connected on Mentara.",
    ),
    "COMMUNITY_REPLY": ("New reply", '{other} replied to your post "{title}".'),
    "COMMUNITY_WELCOME": (
        "Welcome to the community",
        "Welcome to {community}! Say hello and read the community guidelines.",
    ),
    "COMMUNITY_JOINED": ("Joined a community", "You joined {community} as a moderator."),
    "THERAPIST_APPLICATION": (
        "New therapist application",
        "{other} submitted a therapist application for review.",
    ),
    "THERAPIST_APPROVED": (
        "Application approved",
        "Your therapist application was approved. Welcome to Mentara!",
    ),
    "THERAPIST_REJECTED": (
        "Application not approved",
        "Your therapist application was not approved this time.",
    ),
    "PAYMENT_SUCCESS": (
        "Payment received",
        "Your payment of ${amount} for your session with {other} on {when} went through.",
    ),
    "PAYMENT_FAILED": (
        "Payment failed",
        "We couldn't process your payment of ${amount} for your session with {other} on "
        "{when}. Please check your payment method and try again.",
    ),
    "REVIEW_REQUEST": (
        "How was your session?",
        "How was your session with {other} on {when}? Leave a review to help others find "
        "the right therapist.",
    ),
    "PROFILE_COMPLETION": (
        "Complete your profile",
        "Add a photo and a short bio so others can get to know you.",
    ),
    "SYSTEM_UPDATE": (
        "What's new on Mentara",
        "We've improved messaging and session scheduling. Take a look!",
    ),
    "SECURITY_ALERT": (
        "New sign-in to your account",
        "We noticed a sign-in from a new device. If this wasn't you, reset your password.",
    ),
    "SYSTEM_MAINTENANCE": (
        "Scheduled maintenance",
        "Mentara will be briefly unavailable during scheduled maintenance on {when}.",
    ),
    "APPOINTMENT_RESCHEDULED": (
        "Session rescheduled",
        'The group session "{title}" on {when} has been moved to a later date.',
    ),
    "THERAPIST_STATUS_UPDATED": (
        "Application status updated",
        "Your therapist application was received and is now pending review.",
    ),
    "THERAPIST_REQUEST_ACCEPTED": (
        "Request accepted",
        "{other} accepted your request and is now your therapist.",
    ),
    "CLIENT_REQUEST_RECEIVED": ("New client request", "{other} asked you to be their therapist."),
    "THERAPIST_REQUEST_DECLINED": (
        "Request declined",
        "{other} isn't able to take on new clients right now.",
    ),
    "ALTERNATIVE_RECOMMENDATIONS": (
        "Other therapists for you",
        "{other} couldn't take your request, so we found other therapists who fit your needs.",
    ),
    "CLIENT_REQUEST_CANCELLED": ("Client request withdrawn", "{other} withdrew their request."),
    "COMMUNITY_POST": ("New post in your community", '{other} posted "{title}" in {community}.'),
    "COMMUNITY_RECOMMENDATION": (
        "A community for you",
        "Based on your assessment, you might find support in {community}.",
    ),
    "NEW_RECOMMENDATIONS": (
        "Your therapist matches are ready",
        "Based on your assessment, we found therapists who fit your needs.{note}",
    ),
    "RECOMMENDATIONS_UPDATED": (
        "Therapist matches updated",
        "Your therapist matches were updated after your latest assessment.{note}",
    ),
    "SCHEDULING_INFO": ("New session booked", "{other} booked a session with you on {when}."),
    "REQUEST_REMINDER": (
        "Session request waiting",
        "{other}'s session request for {when} is waiting for your confirmation.",
    ),
    "SUBSCRIPTION_EXPIRING": (
        "Payment method expiring",
        "Your {title} expires at the end of {month}. Add a new card to keep paying for your "
        "sessions.",
    ),
    "INCOMING_VIDEO_CALL": ("Incoming video call", "{other} is calling you for your session."),
    "VIDEO_CALL_MISSED": (
        "Missed video call",
        "You missed a video call from {other} for your session on {when}.",
    ),
    "VIDEO_CALL_ENDED": ("Video call ended", "Your video session with {other} has ended."),
}
# Generic notifications used to top a user up when real events do not reach the minimum.
FALLBACK_TYPES = ("PROFILE_COMPLETION", "SYSTEM_UPDATE", "SECURITY_ALERT")
# What a notice of an assessment that flagged a risk adds (its crisisSupportNeeds' resource).
CRISIS_NOTE = " If you need support right now, the {resource} is there for you any time."

# --- reports -------------------------------------------------------------------------------

# reason -> details a reporter may add (three each; "" = no details given).
REPORTS: dict[str, tuple[str, str, str]] = {
    "Inappropriate content": (
        "The language here is not okay for a support space.",
        "This mocks someone's diagnosis.",
        "",
    ),
    "Spam or misleading information": (
        "Promotes a paid product and keeps getting reposted.",
        "Gives medical advice that could be harmful.",
        "",
    ),
    "Harassment or bullying": (
        "The tone here is hostile toward another member.",
        "This is the third time they've targeted the same person.",
        "",
    ),
    "Self-harm or crisis concern": (
        "I'm worried about the person who wrote this; please check in with them.",
        "This sounds like someone in crisis.",
        "",
    ),
    "Sharing personal information": (
        "It includes someone's full name and workplace.",
        "Shares a screenshot of a private conversation.",
        "",
    ),
    "Off-topic promotion": (
        "This is an advertisement, not a personal share.",
        "Links to an unrelated fundraiser.",
        "",
    ),
}
REPORT_REASONS = tuple(REPORTS)

# --- user blocks ---------------------------------------------------------------------------

BLOCK_REASONS = (
    "Unwanted messages",
    "Made me uncomfortable",
    "Repeated negative comments on my posts",
    "Spam",
    None,
)

# --- group sessions ------------------------------------------------------------------------

# theme -> ((title, description, duration minutes, session type), ...)
GROUP_SESSIONS: dict[str, tuple[tuple[str, str, int, str], ...]] = {
    "anxiety": (
        (
            "Managing Anxiety Together",
            "Practical tools for everyday worry, in a small group.",
            90,
            "VIRTUAL",
        ),
        (
            "Grounding Skills Practice",
            "Learn and rehearse the 5-4-3-2-1 and box-breathing techniques.",
            60,
            "VIRTUAL",
        ),
        (
            "Worry Time Workshop",
            "Set boundaries around anxious thinking with a guided structure.",
            60,
            "IN_PERSON",
        ),
        (
            "Facing Fears, Step by Step",
            "Gentle, supported exposure planning with peers.",
            90,
            "VIRTUAL",
        ),
    ),
    "depression": (
        (
            "Finding Light Together",
            "Peer support and behavioural activation for low mood.",
            90,
            "VIRTUAL",
        ),
        (
            "Small Steps Circle",
            "Setting one achievable goal a week, with encouragement.",
            60,
            "VIRTUAL",
        ),
        ("Self-Compassion Practice", "Exercises to soften the inner critic.", 60, "IN_PERSON"),
        ("Building a Routine", "Structure that supports energy and mood.", 60, "VIRTUAL"),
    ),
    "adhd": (
        ("Focus Strategies Lab", "Try out timers, body doubling and task chunking.", 60, "VIRTUAL"),
        (
            "ADHD and Relationships",
            "Communication skills for partners, friends and family.",
            90,
            "VIRTUAL",
        ),
        ("Taming the To-Do List", "Prioritising when everything feels urgent.", 60, "VIRTUAL"),
        (
            "Emotional Regulation with ADHD",
            "Understanding rejection sensitivity and frustration.",
            90,
            "IN_PERSON",
        ),
    ),
    "stress": (
        ("Stress Reset", "Quick decompression tools for busy weeks.", 60, "VIRTUAL"),
        (
            "Boundaries at Work",
            "Saying no without guilt, and protecting your recovery time.",
            90,
            "VIRTUAL",
        ),
    ),
    "sleep": (
        ("Better Sleep Habits", "Sleep hygiene that actually fits your life.", 60, "VIRTUAL"),
        (
            "Quieting the Night Mind",
            "Wind-down routines for racing thoughts at bedtime.",
            60,
            "VIRTUAL",
        ),
    ),
    "mood": (
        ("Riding the Waves", "Tracking mood and noticing early warning signs.", 90, "VIRTUAL"),
        (
            "Stability Toolkit",
            "Routines, sleep and support plans for mood changes.",
            60,
            "IN_PERSON",
        ),
    ),
    "trauma": (
        ("Safe Space Circle", "A trauma-informed group to share at your own pace.", 90, "VIRTUAL"),
        ("Grounding After Trauma", "Skills for flashbacks and feeling present.", 60, "VIRTUAL"),
    ),
    "recovery": (
        ("One Day at a Time", "Peer support for recovery, wherever you are in it.", 90, "VIRTUAL"),
        ("Handling Cravings", "Urge surfing and planning for high-risk moments.", 60, "IN_PERSON"),
    ),
    "ocd": (
        (
            "Living with Intrusive Thoughts",
            "Understanding the OCD cycle without judgement.",
            90,
            "VIRTUAL",
        ),
        ("Exposure Practice Group", "Planning small exposures together.", 60, "VIRTUAL"),
    ),
    "eating": (
        ("Nourishing Recovery", "Support around meals, body image and self-talk.", 90, "VIRTUAL"),
        ("Body Kindness Circle", "Reframing body-focused thoughts with peers.", 60, "VIRTUAL"),
    ),
    "general": (
        ("Mindfulness Basics", "A gentle introduction to mindfulness practice.", 60, "VIRTUAL"),
        ("Connection Circle", "Open peer support and shared reflections.", 60, "VIRTUAL"),
        ("Wellness Check-in", "A weekly space to pause and take stock.", 60, "IN_PERSON"),
    ),
}
WEBINARS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "anxiety": (("Understanding Anxiety: A Webinar", "How anxiety works and what helps.", 60),),
    "depression": (("Depression: Myths and Facts", "An open Q&A with our therapists.", 75),),
    "adhd": (("Adult ADHD Explained", "Diagnosis, treatment options and daily strategies.", 60),),
    "stress": (("Beating Burnout", "Recognising burnout early and recovering well.", 60),),
    "sleep": (("The Science of Sleep", "What happens when we sleep and how to sleep better.", 60),),
    "mood": (("Understanding Mood Disorders", "Bipolar disorder and mood changes explained.", 75),),
    "trauma": (("Healing After Trauma", "How trauma affects the body and mind.", 75),),
    "recovery": (("Recovery Roadmap", "Relapse prevention and building support.", 60),),
    "general": (
        ("Mental Health 101", "Foundations of looking after your mental health.", 60),
        ("Building Resilience", "Everyday habits that help us bounce back.", 60),
    ),
}
# Themes without templates of their own borrow a related theme's.
THEME_ALIASES = {"panic": "anxiety", "social-anxiety": "anxiety", "phobia": "anxiety"}
# In-person sessions meet at a Mentara venue in the state where their creator lives: per
# state of ``vocab.PROVINCES`` (same order), its venues as (location, locationAddress).
GROUP_VENUES: tuple[tuple[tuple[str, str], ...], ...] = (
    (
        ("Mentara Wellness Center, Oakland", "410 Grand Avenue, Suite 200, Oakland, CA 94610"),
        ("Mentara Community Room, San Diego", "2250 Fourth Avenue, Suite 310, San Diego, CA 92101"),
    ),
    (
        ("Mentara Wellness Center, Brooklyn", "88 Court Street, 4th Floor, Brooklyn, NY 11201"),
        ("Mentara Community Room, Albany", "125 State Street, Suite 500, Albany, NY 12207"),
    ),
    (
        ("Mentara Wellness Center, Austin", "1100 Congress Avenue, Suite 220, Austin, TX 78701"),
        ("Mentara Community Room, Houston", "2900 Main Street, Suite 140, Houston, TX 77002"),
    ),
    (
        ("Mentara Wellness Center, Tampa", "501 East Kennedy Blvd, Suite 330, Tampa, FL 33602"),
        (
            "Mentara Community Room, Orlando",
            "200 East Robinson Street, Suite 120, Orlando, FL 32801",
        ),
    ),
    (
        (
            "Mentara Wellness Center, Chicago",
            "330 North Wabash Avenue, Suite 1400, Chicago, IL 60611",
        ),
        (
            "Mentara Community Room, Springfield",
            "600 East Adams Street, Suite 210, Springfield, IL 62701",
        ),
    ),
    (
        (
            "Mentara Wellness Center, Philadelphia",
            "1500 Walnut Street, Suite 700, Philadelphia, PA 19102",
        ),
        ("Mentara Community Room, Pittsburgh", "425 Sixth Avenue, Suite 900, Pittsburgh, PA 15219"),
    ),
    (
        (
            "Mentara Wellness Center, Columbus",
            "65 East State Street, Suite 300, Columbus, OH 43215",
        ),
        (
            "Mentara Community Room, Cleveland",
            "1300 East Ninth Street, Suite 250, Cleveland, OH 44114",
        ),
    ),
    (
        (
            "Mentara Wellness Center, Atlanta",
            "1180 Peachtree Street NE, Suite 600, Atlanta, GA 30309",
        ),
        ("Mentara Community Room, Savannah", "33 Bull Street, Suite 210, Savannah, GA 31401"),
    ),
    (
        (
            "Mentara Wellness Center, Raleigh",
            "150 Fayetteville Street, Suite 320, Raleigh, NC 27601",
        ),
        (
            "Mentara Community Room, Charlotte",
            "301 South Tryon Street, Suite 450, Charlotte, NC 28202",
        ),
    ),
    (
        ("Mentara Wellness Center, Detroit", "1001 Woodward Avenue, Suite 500, Detroit, MI 48226"),
        (
            "Mentara Community Room, Grand Rapids",
            "160 Monroe Avenue NW, Suite 220, Grand Rapids, MI 49503",
        ),
    ),
    (
        ("Mentara Wellness Center, Newark", "1 Gateway Center, Suite 1100, Newark, NJ 07102"),
        (
            "Mentara Community Room, Jersey City",
            "30 Montgomery Street, Suite 300, Jersey City, NJ 07302",
        ),
    ),
    (
        (
            "Mentara Wellness Center, Richmond",
            "901 East Byrd Street, Suite 410, Richmond, VA 23219",
        ),
        (
            "Mentara Community Room, Arlington",
            "2200 Wilson Boulevard, Suite 250, Arlington, VA 22201",
        ),
    ),
    (
        ("Mentara Wellness Center, Seattle", "1420 Fifth Avenue, Suite 900, Seattle, WA 98101"),
        ("Mentara Community Room, Spokane", "601 West Main Avenue, Suite 300, Spokane, WA 99201"),
    ),
    (
        (
            "Mentara Wellness Center, Phoenix",
            "2 North Central Avenue, Suite 1200, Phoenix, AZ 85004",
        ),
        ("Mentara Community Room, Tucson", "1 South Church Avenue, Suite 400, Tucson, AZ 85701"),
    ),
    (
        ("Mentara Wellness Center, Boston", "100 Cambridge Street, Suite 1400, Boston, MA 02114"),
        ("Mentara Community Room, Worcester", "311 Main Street, Suite 250, Worcester, MA 01608"),
    ),
)


def group_venue(
    ctx: Context, sessions: pl.DataFrame, invitations: pl.DataFrame, field: int
) -> pl.Series:
    """The ``field`` (0: location, 1: locationAddress) of the venue of each of ``sessions``
    (sid, createdById, communityId, venue): one of the venues of its "venue" state (an index
    into ``vocab.PROVINCES``, planned where its host and participants live; where it is -1,
    the state where its host lives: ``home_province``, which ``Therapist.province`` states),
    a keyed pick per (community, host), so a community's sessions with one host meet in one
    place. The host is the therapist who accepted its invitation first (``invitations``:
    sessionId, therapistId, status, invitedAt, respondedAt), else the first invited (an
    in-person session's invitees live in its venue's state), else its creator."""
    accepted = (
        invitations.with_columns((pl.col("status") != "ACCEPTED").alias("_other"))
        .sort("sessionId", "_other", "respondedAt", "invitedAt", "therapistId", nulls_last=True)
        .unique("sessionId", keep="first", maintain_order=True)
        .select(pl.col("sessionId").alias("sid"), pl.col("therapistId").alias("_host"))
    )
    host = (
        sessions.select("sid", "createdById", "communityId")
        .join(accepted, on="sid", how="left", maintain_order="left")
        .select(pl.coalesce("_host", "createdById").alias("host"), "communityId")
    )
    planned = sessions["venue"].to_numpy()
    province = np.where(planned >= 0, planned, home_province(ctx, host["host"]))
    n = np.asarray([len(v) for v in GROUP_VENUES], dtype=np.int64)
    keys = child_keys(text_keys(host["communityId"]), text_keys(host["host"]))
    pick = ctx.stream("GroupTherapySessions", "venue").integers(keys, 0, n[province])
    first = np.cumsum(n) - n
    flat = pl.Series([venue[field] for state in GROUP_VENUES for venue in state], dtype=pl.String)
    return flat.gather(first[province] + pick)


# Why a group session was cancelled (``group_sessions`` says which a session may give).
THERAPIST_AWAY = "The facilitating therapist is unavailable; we will reschedule soon."
LOW_ENROLMENT = "Too few registrations for this date."
VENUE_CLOSED = "Venue unavailable due to maintenance."
RESCHEDULED = "Rescheduled to a later date at the group's request."
INVITATION_MESSAGES = (
    "Would you co-facilitate this session with us?",
    "Your experience would be a great fit for this group.",
    "We'd love to have you lead part of this session.",
    None,
)

# --- chatbot -------------------------------------------------------------------------------

CHATBOT_SYSTEM = (
    "You are Mentara's intake assistant. Ask the screening questions one at a time, "
    "warmly and without judgement, and never give a diagnosis."
)
CHATBOT_GREETINGS = (
    "Hi! I'm here to ask a few questions so we can match you with the right support. "
    "Is now a good time?",
    "Welcome to Mentara. I'll walk you through a short check-in. Ready when you are.",
)
CHATBOT_FIRST_REPLIES = ("Yes, let's do it.", "Sure, I have a few minutes.", "Okay, go ahead.")
# A later session, in which a client re-takes the assessment (a check-in): it greets one who
# is already being helped, not one to be matched.
CHATBOT_CHECKIN_GREETINGS = (
    "Welcome back! Time for your regular check-in: the same questions as before, so we can "
    "see how things have changed since. Shall we start?",
    "Hi again. Let's check in on how the past few weeks have been. Ready when you are.",
)
CHATBOT_CHECKIN_REPLIES = ("Sure, let's check in.", "Okay, I have a few minutes.", "Yes, go ahead.")
# The intake chatbot asks the items of the four instruments the intake assessment stores
# (``therapy.assessment_rows``: PHQ-9, GAD-7, PSS-10, ISI; paraphrased), in this order.
# questionnaire -> its items, each (answer scale, what the assistant asks). The items are in
# the instrument's own order, which is the order of the assessment's answers.
QUESTIONNAIRES: dict[str, tuple[tuple[str, str], ...]] = {
    "PHQ-9": tuple(
        ("frequency", q)
        for q in (
            "Over the last two weeks, how often have you had little interest or pleasure in "
            "doing things?",
            "How often have you been feeling down, depressed or hopeless?",
            "How often have you had trouble falling or staying asleep, or slept too much?",
            "How often have you felt tired or had little energy?",
            "How often have you had a poor appetite, or overeaten?",
            "How often have you felt bad about yourself, or that you have let yourself or your "
            "family down?",
            "How often have you had trouble concentrating, say on reading or watching TV?",
            "How often have you been moving or speaking so slowly that others could notice, or "
            "been so restless that you moved around a lot more than usual?",
            "How often have you had thoughts that you would be better off dead, or of hurting "
            "yourself in some way?",
        )
    ),
    "GAD-7": tuple(
        ("frequency", q)
        for q in (
            "Over the last two weeks, how often have you felt nervous, anxious or on edge?",
            "How often have you not been able to stop or control worrying?",
            "How often have you been worrying too much about different things?",
            "How often have you had trouble relaxing?",
            "How often have you been so restless that it was hard to sit still?",
            "How often have you become easily annoyed or irritable?",
            "How often have you felt afraid as if something awful might happen?",
        )
    ),
    "PSS-10": tuple(
        ("often", q)
        for q in (
            "In the last month, how often have you been upset because of something that "
            "happened unexpectedly?",
            "How often have you felt unable to control the important things in your life?",
            "How often have you felt nervous and stressed?",
            "How often have you felt confident about your ability to handle your personal "
            "problems?",
            "How often have you felt that things were going your way?",
            "How often have you found that you could not cope with all the things you had to do?",
            "How often have you been able to control irritations in your life?",
            "How often have you felt that you were on top of things?",
            "How often have you been angered because of things that were outside of your control?",
            "How often have you felt difficulties were piling up so high you could not overcome "
            "them?",
        )
    ),
    "ISI": (
        ("severity", "Now about sleep, over the last two weeks. How much difficulty have you "
         "had falling asleep?"),
        ("severity", "How much difficulty have you had staying asleep?"),
        ("severity", "How much of a problem has waking up too early been?"),
        ("satisfaction", "How satisfied or dissatisfied are you with your sleep right now?"),
        ("degree", "How noticeable to others do you think your sleep problem is, in terms of "
         "how it affects your life?"),
        ("degree", "How worried or distressed are you about your sleep?"),
        ("degree", "How much does your sleep get in the way of your daily life, like work, "
         "concentration or mood?"),
    ),
}  # fmt: skip
QUESTIONNAIRE_ORDER = ("PHQ-9", "GAD-7", "PSS-10", "ISI")
# Each questionnaire's key in the assessment's answers, scores and severityLevels.
ASSESSMENT_KEYS = {"PHQ-9": "phq9", "GAD-7": "gad7", "PSS-10": "pss10", "ISI": "isi"}
# answer scale -> per answer score (0, 1, ...), what a user might type (two ways each).
# frequency: PHQ-9 and GAD-7 (0-3); often: PSS-10 (0-4, the answer as given, before the
# reverse scoring of its positively worded items); severity, satisfaction, degree: ISI (0-4).
CHATBOT_ANSWERS: dict[str, tuple[tuple[str, str], ...]] = {
    "frequency": (
        ("Not at all, really.", "Never, I think."),
        ("Several days.", "Sometimes, a few days here and there."),
        ("More than half the days.", "Pretty often lately."),
        ("Nearly every day.", "Almost every day, honestly."),
    ),
    "often": (
        ("Never.", "Not once, I think."),
        ("Almost never.", "Hardly ever."),
        ("Sometimes.", "Now and then."),
        ("Fairly often.", "Quite often, yes."),
        ("Very often.", "All the time, honestly."),
    ),
    "severity": (
        ("None, that's fine.", "No trouble with that."),
        ("A little, it's mild.", "Mild, I'd say."),
        ("Moderate.", "It's a moderate problem."),
        ("Severe.", "It's bad, honestly."),
        ("Very severe.", "Really bad, most nights."),
    ),
    "satisfaction": (
        ("Very satisfied.", "I'm really happy with it."),
        ("Satisfied.", "Mostly fine."),
        ("Somewhere in the middle.", "Moderately satisfied, I guess."),
        ("Dissatisfied.", "Not happy with it."),
        ("Very dissatisfied.", "I'm really unhappy with it."),
    ),
    "degree": (
        ("Not at all.", "Not really at all."),
        ("A little.", "A bit."),
        ("Somewhat.", "To some extent."),
        ("Quite a lot.", "Much, yes."),
        ("Very much.", "A great deal."),
    ),
}
CHATBOT_CLOSINGS = (
    "Thank you for sharing all of that. Your answers will help us recommend a therapist.",
    "That's everything for now. Thank you for being so open.",
)

# --- journal -------------------------------------------------------------------------------

# An entry is an opener, a body, an optional reflection and a closer, each drawn per entry
# (the body without repeating within a client's entries: ``enrichers.journal``); "{day}" is
# the weekday where the client lives, "{mood}" a score out of ten, "{grateful}" one of
# JOURNAL_GRATEFUL. Bodies telling of a therapy session are JOURNAL_SESSION_BODIES, written
# only after the client's first session.
JOURNAL_OPENERS = (
    "Today felt heavier than usual.",
    "A calmer day than yesterday.",
    "Woke up anxious but it eased by lunch.",
    "Good day overall.",
    "Couldn't sleep much last night.",
    "Had my session today.",
    "Small win today.",
    "Felt disconnected most of the afternoon.",
    "{day} was a strange mix of good and bad.",
    "Long {day}.",
    "Quiet {day}, mostly at home.",
    "{day} started rough.",
    "Not much energy this {day}.",
    "A better {day} than I expected.",
    "Busy day, barely stopped.",
    "Restless all evening.",
    "Writing this later than I meant to.",
    "Felt more like myself today.",
    "Woke up early and couldn't get back to sleep.",
    "Mixed feelings today.",
    "Today went by in a blur.",
    "Tired but okay.",
)
# A journal day runs from JOURNAL_DAY_START (an entry written in the small hours closes the
# day before). An opener looking back on the day is written from its hour of the local day
# on (JOURNAL_OPENER_FROM: no "Restless all evening." at 09:00), a closer of JOURNAL_CLOSER_UNTIL
# before its hour; the others at any hour.
JOURNAL_DAY_START = 5
JOURNAL_OPENER_FROM = {
    "Today felt heavier than usual.": 15,
    "A calmer day than yesterday.": 15,
    "Woke up anxious but it eased by lunch.": 13,
    "Good day overall.": 15,
    "Felt disconnected most of the afternoon.": 16,
    "{day} was a strange mix of good and bad.": 17,
    "Long {day}.": 17,
    "Quiet {day}, mostly at home.": 15,
    "{day} started rough.": 10,
    "A better {day} than I expected.": 15,
    "Busy day, barely stopped.": 16,
    "Restless all evening.": 20,
    "Writing this later than I meant to.": 21,
    "Felt more like myself today.": 12,
    "Mixed feelings today.": 12,
    "Today went by in a blur.": 17,
}
JOURNAL_CLOSER_UNTIL = {"Bed by eleven tonight.": 23}
JOURNAL_BODIES = (
    "I went for a short walk and it helped me reset.",
    "I noticed the negative thought spiral starting and named it out loud.",
    "Talked to a friend for a while, which I almost cancelled.",
    "Work was overwhelming, so I took two real breaks instead of skipping lunch.",
    "I tried the breathing exercise before bed.",
    "I cooked dinner instead of ordering in, which felt like taking care of myself.",
    "Scrolled too much at night again; tomorrow I'll leave the phone in the kitchen.",
    "My chest felt tight on the commute, so I counted my breaths until it passed.",
    "I finally answered the emails I'd been avoiding, one at a time.",
    "Spent the evening reading instead of watching the news.",
    "I snapped at my partner and apologised later, which felt better than stewing.",
    "I stayed in bed longer than I wanted, then managed a shower and some breakfast.",
    "Called my mum and we actually laughed for once.",
    "The meeting I dreaded was shorter and easier than I had imagined.",
    "I wrote down the worry instead of letting it loop, and it shrank a little.",
    "I went to the gym for twenty minutes, not the hour I planned, and that's fine.",
    "I noticed I was comparing myself to everyone online and closed the app.",
    "I said no to plans I didn't have energy for and didn't over-explain.",
    "Had a cry in the afternoon and felt lighter after.",
    "I tidied one corner of my room, which made the whole space feel calmer.",
    "I kept replaying a conversation from work and had to remind myself it's over.",
    "I ate lunch outside in the sun for once.",
    "The grounding steps helped when I felt panicky in the shop.",
    "I read a few posts in the community and felt less alone.",
    "I made a list for tomorrow so my head could stop holding it all.",
    "Skipped my evening walk and felt the difference.",
    "I caught myself thinking in all-or-nothing terms and tried to soften it.",
    "My sleep was broken, so I kept today's plans small.",
    "I spent time with the dog in the park and didn't look at my phone.",
    "A friend texted to check on me, and I told her the truth for once.",
)
JOURNAL_SESSION_BODIES = (
    "We talked about boundaries and I realised how often I say yes without thinking.",
    "In session we looked at the pattern behind my Sunday dread.",
    "We went over my sleep diary and found the late coffee was part of it.",
    "We practised a new grounding exercise and I want to try it at work.",
    "My therapist asked what I'd tell a friend in my place, which stuck with me.",
    "We talked about my dad and it brought up more than I expected.",
    "We set a small goal for the week: one walk after dinner every day.",
    "In session I admitted how tired I've been, and it felt good to say it.",
)
JOURNAL_REFLECTIONS = (
    "",
    "",
    "",
    "",
    "",
    "It's not fixed, but it's something.",
    "I want to remember that this worked.",
    "Still a bit wired, though.",
    "Noticing it is the first step, apparently.",
    "I'm trying not to judge myself for the rest of the day.",
    "Funny how small things shift the whole mood.",
    "I'll try the same tomorrow and see.",
    "Part of me still expects it to go wrong.",
    "It helped more than I thought it would.",
    "I need to be patient with this.",
    "Writing it down makes it feel less big.",
    "Progress, even if slow.",
    "I don't want to lose this feeling.",
)
JOURNAL_CLOSERS = (
    "Grateful for: {grateful}.",
    "Grateful for: {grateful}.",
    "Tomorrow I want to go easier on myself.",
    "Mood: {mood}/10.",
    "Mood: {mood}/10.",
    "Mood: {mood}/10, but hopeful.",
    "One thing I did well: I asked for help.",
    "",
    "",
    "Goal for tomorrow: get outside before noon.",
    "Bed by eleven tonight.",
    "Energy: low. Anxiety: {mood}/10.",
    "Three good things: {grateful}, a hot shower, a quiet hour.",
    "Reminder to self: feelings pass.",
    "One small thing for tomorrow: drink more water.",
    "Note to self: be kind.",
)
JOURNAL_GRATEFUL = (
    "my morning coffee and a quiet bus ride",
    "a friend who listens",
    "sunshine on the walk home",
    "a good playlist",
    "my sister's voice note",
    "clean sheets",
    "a warm dinner",
    "the dog",
    "a lunch break outside",
    "an early night",
    "a kind message from a coworker",
    "a slow morning",
    "finishing a book",
    "fresh air",
)


# --- message attachments, system lines, session and support chats -------------------------

# Captions of media messages, per type and speaker (client, then therapist or moderator).
# A conversation takes each pool's lines in turn from a keyed offset, so none repeats in it.
# A photo whose caption says "screenshot" (and only such a photo) is a screenshot's file.
# A member's caption names no time of day ("this morning", "tonight"): it is sent at any hour.
MEDIA_CAPTIONS = {
    "IMAGE": (
        (
            "The view from my walk earlier, it helped.",
            "This is the page from my journal I mentioned.",
            "My plant survived another week, small wins.",
            "Screenshot of my sleep tracker, see the pattern?",
            "The note I keep on my fridge now.",
            "Tried the drawing exercise, here's how it turned out.",
            "The sky from my balcony earlier, needed that.",
            "My weekly planner, with the breaks blocked in.",
            "A screenshot of my mood tracker this week.",
            "Screenshot of the reminder I set after our talk.",
        ),
        (
            "Here's the diagram of the anxiety cycle we talked about.",
            "A photo of the grounding steps, to keep on your phone.",
            "The feelings wheel, in case it helps to put words to it.",
            "The breathing pattern as a picture: in for 4, hold 4, out for 6.",
            "This chart shows how small steps add up over a week.",
            "A reminder card you can save to your lock screen.",
            "The sleep hygiene checklist as an image.",
            "Here's an example thought record, filled in.",
            "A screenshot of the app setting for your reminders.",
            "Screenshot of the worksheet page we went through.",
        ),
    ),
    "AUDIO": (
        (
            "Sent a voice note, easier than typing right now.",
            "Voice message, sorry it's a bit long.",
            "Recorded this on my walk home.",
            "Quick voice note before I forget.",
            "Talking it through was easier, here's a voice message.",
            "Voice note, my hands are full.",
            "Listen when you have a minute.",
            "Short voice message about today.",
        ),
        (
            "A short guided breathing exercise you can replay.",
            "Voice note with the grounding steps, about two minutes.",
            "Recorded the body scan for you to try tonight.",
            "Quick voice message, easier to explain this way.",
            "A voice note with a few thoughts on your question.",
            "The calming script we practised, recorded.",
            "Two-minute voice note on what to try this week.",
            "Audio of the muscle relaxation exercise.",
        ),
    ),
    "VIDEO": (
        (
            "A clip of the stretching routine I've been doing.",
            "Video from the park, the calm bit I told you about.",
            "Recorded myself practising the talk, be kind.",
            "Short video of my morning routine.",
            "The clip that made me laugh today.",
            "Video of the breathing app I'm using.",
            "Here's the yoga video I mentioned.",
            "A quick video, easier than explaining.",
        ),
        (
            "A short video on box breathing.",
            "Here's the stretching video I mentioned.",
            "A clip explaining the worry-time technique.",
            "A video walkthrough of the thought record.",
            "A two-minute mindfulness video to try.",
            "A short video on winding down before bed.",
            "The grounding exercise as a video.",
            "A clip on how panic peaks and passes.",
        ),
    ),
}

# SYSTEM lines of a group conversation: its opener created it, the others joined.
SYSTEM_CREATED = "{name} created the group"
SYSTEM_JOINED = "{name} joined the conversation"
# SYSTEM lines of a session's chat, at the meeting's start and end.
SYSTEM_SESSION_STARTED = "Session started"
SYSTEM_SESSION_ENDED = "Session ended"
SESSION_TITLE = "Session chat"

# What a therapist and a client write in the chat beside a video session.
SESSION_THERAPIST_LINES = (
    "Sharing the link to the {exercise} we're about to do.",
    "Your audio cut out for a second, could you repeat {repeat_what}?",
    "I'm putting the key points here so you have them {after_when}.",
    "Let's take {short} for the exercise, I'll keep time.",
    "Here are the {steps} steps again, written down.",
    "Your video froze {froze_when}, I can still hear you.",
    "Noting the goal we agreed on here: {session_goal}.",
    "Take your time, there's no rush.",
    "Here's the link to the {resource} I mentioned.",
    "I'll pause here for {moment} so you can write that down.",
    "Typing the key phrase here: {key_phrase}.",
    "The connection dipped, I'm back now.",
)
SESSION_CLIENT_LINES = (
    "Sorry, my video froze for a moment.",
    "Can you hear me okay now?",
    "Thanks, I've got the link open.",
    "Writing that down.",
    "Could you send {that_thing} in the chat so I don't forget?",
    "My connection is a bit slow {where_now}, sorry.",
    "Got it, thank you.",
    "Give me a second, someone's at the door.",
    "Sorry, I'm on my phone today, the {device} died.",
    "Can you type the name of that exercise?",
    "Just switching to {audio}, one moment.",
    "Okay, I'm back.",
)

# A support chat about a failed payment: the client asks, an admin answers (the reason
# the payment failed, ``{reason}``), in turns: (client, admin, client, admin), then the
# client's and the admin's closing lines (``SUPPORT_CLOSING``); the admin's second answer is
# the one at the place of the client's question before it. ``{method}`` is the failed
# payment's method as a client names it (``SUPPORT_METHOD``): no line says "card" of a wallet.
SUPPORT_TITLE = "Support: payment failed"
SUPPORT_TURNS = (
    (
        "Hi, my payment for my last session failed and I'm not sure why.",
        "Hello, I got a notice that my payment was declined. Can you help?",
        "My {method} payment didn't go through for my session. What should I do?",
        "Hi, the app says my {method} payment failed, but I can't see anything wrong on my side.",
        "Hello, could you tell me why my payment for the session was declined?",
        "Hi there, I just saw that my last payment failed. Is there a problem with my account?",
    ),
    (
        'Hi {name}, thanks for getting in touch. I can see the failed attempt: the reason given was "{reason}".',
        'Thanks for reaching out, {name}. The payment was declined with "{reason}".',
        'Hi {name}, I checked your account. The attempt failed with "{reason}".',
    ),
    (
        "Okay, I've checked my {method} details. Should I try again?",
        "{ok_start} Can I use a different payment method instead?",
        "{ok_start} Does my session still count?",
    ),
    (  # each answers the client's line of the turn before, at the same place
        "Yes, you can retry from Billing in your settings; nothing was charged for the failed attempt.{support_after}",
        "You can add another method under Billing and pay from there; the failed attempt was not charged.{support_after}",
        "Your session is not affected. Please try the payment again once the method is updated.{support_after}",
    ),
)
# The closing turns (client, then admin), by what the retry of the payment had come to when
# the client wrote: it went through, it failed again, or none was made yet.
SUPPORT_CLOSING = (
    (
        (
            "That worked, thank you for the quick help!",
            "Just paid again and it went through. Thanks!",
            "All sorted now, thanks.",
            "It went through this time, thanks so much.",
            "Done, the payment shows as paid now. Thank you!",
            "Retried it and it worked. Appreciate the help.",
        ),
        (
            "Glad it's sorted. Take care!",
            "You're welcome. Let us know if anything else comes up.",
            "Happy to help. We're here if you need anything else.",
        ),
    ),
    (
        (
            "I tried again and it failed again, unfortunately.",
            "The second attempt didn't go through either.",
            "Still no luck, the retry failed too.",
        ),
        (
            "Sorry about that. Adding another method under Billing usually solves it; we're here if it doesn't.",
            "Thanks for letting us know. Please check the method with its provider, or add another one under Billing.",
            "I'm sorry it failed again. Your session is safe; try another method when you can.",
        ),
    ),
    (
        (
            "Great, thanks for explaining. I'll try again later.",
            "Okay, I'll give it another go when I can.",
            "Thanks, I'll sort it out and pay again.",
        ),
        (
            "You're welcome. Let us know if anything else comes up.",
            "Sounds good. We're here if it doesn't go through.",
            "Happy to help. Take care!",
        ),
    ),
)
SUPPORT_WORKED, SUPPORT_FAILED_AGAIN, SUPPORT_NOT_YET = range(len(SUPPORT_CLOSING))
# How a client names the method of the payment that failed (its PaymentMethodType).
SUPPORT_METHOD = {
    "CARD": "card",
    "BANK_ACCOUNT": "bank",
    "DIGITAL_WALLET": "wallet",
    "GCASH": "GCash",
    "MAYA": "Maya",
}
