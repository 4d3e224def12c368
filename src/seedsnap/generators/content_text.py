"""Peer-support texts for posts and comments, assembled from parts (our own wording).

Each text is written in its author's voice (``VOICES``): clients share their own experience,
therapists write as professionals (tips, encouragement, resources; never "my therapist"),
moderators as the community's hosts. A client's post body is opener + situation + what was
tried + how it went + a question: 15 x 20 x 20 x 15 x 15 combinations, with a title of 20
heads and the topic of what was tried (one draw picks both), so posts rarely repeat; tests assert that no two posts of a medium build
share title and body. Therapists' and moderators' posts are assembled the same way from
pools of their own.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.random import I64, U64, Stream

OPENERS = (
    "Long-time lurker, first post here.",
    "Not sure where else to share this.",
    "Something I've been thinking about this week.",
    "Checking in after a rough few days.",
    "I wanted to share a small win.",
    "This might sound silly, but it's been on my mind.",
    "Hi all, hoping for some perspective.",
    "Writing this mostly to get it out of my head.",
    "Quick update from me.",
    "I've been reading this group for a while and it helps.",
    "Today felt a bit lighter, so I'm writing while I can.",
    "Honest question for everyone here.",
    "I don't usually post, but here goes.",
    "Sharing in case it helps someone else.",
    "Needed a place where people get it.",
)
SITUATIONS = (
    "mornings have been the hardest part of the day",
    "my mind races the moment I lie down at night",
    "work deadlines have been piling up and I freeze",
    "I've been avoiding calls from friends I care about",
    "crowded places leave me drained for hours",
    "I keep replaying conversations long after they end",
    "my sleep has been all over the place",
    "I've been snapping at people and feeling guilty after",
    "weekends feel empty and I don't know why",
    "I notice my chest tightening before meetings",
    "it's been hard to start anything, even small chores",
    "I've been comparing myself to everyone online",
    "family gatherings bring up a lot for me",
    "I keep cancelling plans at the last minute",
    "my energy crashes every afternoon",
    "I've had a few panic moments on my commute",
    "it's hard to ask for help even when I need it",
    "my thoughts spiral whenever my phone buzzes",
    "I've lost interest in hobbies I used to love",
    "the news has been getting under my skin",
)
TRIED = (
    "a five-minute breathing routine before bed",
    "writing three things down every evening",
    "a short walk right after lunch",
    "putting my phone in another room at night",
    "naming the feeling out loud when it starts",
    "the 5-4-3-2-1 grounding exercise",
    "scheduling one small task at a time",
    "texting one friend each day, even briefly",
    "a fixed wake-up time, weekends included",
    "cutting back on coffee after noon",
    "a guided body scan from my therapist",
    "keeping a worry list and a set worry time",
    "stretching for ten minutes in the morning",
    "saying no to one extra commitment a week",
    "cold water on my face when things spike",
    "a playlist that only plays calm music",
    "tracking my mood in a simple app",
    "planning something small to look forward to",
    "a weekly check-in call with my sister",
    "journaling before I open my laptop",
)
OUTCOMES = (
    "it's helped more than I expected",
    "it's a work in progress, but I notice a difference",
    "some days it works and some days it doesn't",
    "it felt awkward at first and now it's a habit",
    "I'm sleeping a little better already",
    "it takes the edge off on the bad days",
    "I'm not sure yet, it's only been a week",
    "it gave me a bit of space to breathe",
    "it reminded me I have more control than I think",
    "honestly it's been hard to stick with",
    "my therapist says it's a good start",
    "I've been a bit kinder to myself because of it",
    "the first few days were rough but it's easier now",
    "it's small, but it's something",
    "I actually look forward to it now",
)
QUESTIONS = (
    "Has anyone else found something that helps?",
    "How do you all handle this?",
    "Does this sound familiar to anyone?",
    "What keeps you going on the hard days?",
    "Any tips for sticking with it?",
    "Would love to hear what works for you.",
    "Is it normal for progress to feel this slow?",
    "How long did it take before things felt different for you?",
    "What would you tell someone just starting out?",
    "Anyone want to try this together this week?",
    "Any book or podcast recommendations?",
    "How do you explain this to people who don't get it?",
    "What helped you the most early on?",
    "How do you celebrate the small wins?",
    "Thanks for reading, any thoughts welcome.",
)
TITLE_HEADS = (
    "Trying",
    "Small win with",
    "Week one of",
    "Thoughts on",
    "Has anyone tried",
    "Update on",
    "Struggling with",
    "Finally started",
    "Day three of",
    "Learning to love",
    "Why I started",
    "Notes on",
    "Slowly getting into",
    "Unexpected help from",
    "Sticking with",
    "Back to",
    "Questions about",
    "Two weeks of",
    "Giving a chance to",
    "Lessons from",
)
# A client post's title topic names what its body says was tried: TITLE_TOPICS[i] is TRIED[i].
TITLE_TOPICS = (
    "a breathing routine",
    "evening writing",
    "lunch walks",
    "phone-free nights",
    "naming my feelings",
    "grounding",
    "one task at a time",
    "daily check-ins with friends",
    "a fixed wake-up time",
    "less coffee",
    "body scans",
    "worry time",
    "morning stretches",
    "saying no",
    "cold water",
    "calm playlists",
    "mood tracking",
    "small things to look forward to",
    "weekly family calls",
    "pre-laptop journaling",
)

COMMENT_OPENERS = (
    "Thank you for sharing this.",
    "This really resonates with me.",
    "Sending you strength.",
    "I've been there too.",
    "Proud of you for posting.",
    "Such a brave post.",
    "Reading this made my day.",
    "You're not alone in this.",
    "Same here, honestly.",
    "I hear you.",
    "Thank you for putting this into words.",
    "This hit home for me.",
    "Just want to say you're doing better than you think.",
    "Big hug from here.",
    "I could have written this myself.",
    "So glad you posted this.",
    "Really feel this one.",
    "Wow, I needed to read this today.",
)
COMMENT_MIDDLES = (
    "What helped me was taking it one hour at a time.",
    "Progress isn't linear, and that's okay.",
    "Breathing exercises got me through a similar stretch.",
    "It took me weeks before I noticed a change, so keep going.",
    "Talking to my therapist about it made a big difference.",
    "Writing things down helped me see patterns.",
    "Be gentle with yourself on the hard days.",
    "Small steps still count as steps.",
    "I started with five minutes a day and built from there.",
    "Finding this community was a turning point for me.",
    "It's okay to rest when you need to.",
    "A walk outside resets me when nothing else does.",
    "Setting one tiny goal a day kept me moving.",
    "Your feelings make sense given everything going on.",
    "I found it easier once I stopped judging myself for it.",
    "What got me through was a very boring routine, and it worked.",
    "Some weeks I only manage the basics, and that's enough.",
    "Texting a friend even one line helped me more than I expected.",
    "The evenings were the worst part for me too, so I planned something small for them.",
    "It helped me to write down one thing I did right each day.",
    "Going outside for ten minutes, even in the rain, changed my afternoons.",
    "I had to stop comparing my progress with everyone else's.",
    "Sleep made a bigger difference for me than anything else.",
    "Letting myself have a bad day without guilt was a turning point.",
    "Noticing the thought without arguing with it helped me most.",
)
COMMENT_CLOSERS = (
    "Rooting for you.",
    "Keep us posted!",
    "We're here for you.",
    "You've got this.",
    "Take care of yourself.",
    "Thanks again for opening up.",
    "One day at a time.",
    "Hugs if you want them.",
    "Let us know how it goes.",
    "Wishing you a calmer week.",
    "Thinking of you.",
    "You're doing the work, and it shows.",
    "Sending a virtual cup of tea.",
    "Be kind to yourself tonight.",
    "Cheering you on from here.",
    "Proud of you.",
)


# --- therapists: professional voice (tips, encouragement, resources) ---------------------

PRO_TITLE_HEADS = (
    "A therapist's note on",
    "Tip of the week:",
    "Resource:",
    "Why I often recommend",
    "Common questions about",
    "Getting started with",
    "Five minutes of",
    "A gentle reminder about",
    "What the research says about",
    "Making room for",
)
PRO_TITLE_TOPICS = (
    "box breathing",
    "sleep routines",
    "self-compassion",
    "setting boundaries",
    "worry time",
    "grounding skills",
    "behavioural activation",
    "journaling",
    "asking for support",
    "body scans",
    "values-based goals",
    "rest without guilt",
)
PRO_OPENERS = (
    "Hi everyone, I'm one of the therapists in this community.",
    "A quick note from the clinical side, for anyone who finds it useful.",
    "Something that comes up often in my practice:",
    "I've seen a few posts this week touching on the same theme.",
    "Sharing a small tool I use with many of the people I work with.",
    "A reminder I give often, and one worth repeating here.",
    "I wanted to add a professional perspective to some recent threads.",
    "Here's a resource I keep coming back to.",
    "Checking in with the community as a therapist.",
    "This one is for anyone having a heavier week.",
)
PRO_OBSERVATIONS = (
    "Many people find that anxiety peaks in the hour before sleep.",
    "Low mood often makes small tasks feel much bigger than they are.",
    "Avoidance brings relief in the moment but tends to make fear grow.",
    "Racing thoughts are common, and they are not a sign that something is wrong with you.",
    "Progress in therapy is rarely a straight line.",
    "Our bodies often notice stress before our minds name it.",
    "Comparing ourselves with others online can quietly drain our energy.",
    "Setbacks are a normal part of recovery, not a reset to zero.",
    "Irregular sleep can amplify both worry and low mood.",
    "Asking for help is a skill, and skills can be practised.",
    "Harsh self-talk tends to keep us stuck rather than motivated.",
    "Rest is part of recovery, not a reward you have to earn.",
)
PRO_TIPS = (
    "try breathing in for four counts and out for six, for two minutes",
    "write the worry down and schedule fifteen minutes to return to it later",
    "pick one task small enough to finish in five minutes",
    "keep a consistent wake-up time, weekends included",
    "name the feeling out loud: it often takes some of its power away",
    "use the 5-4-3-2-1 exercise to come back to the room you're in",
    "notice one thing that went okay today, however small",
    "plan one pleasant activity a day and rate your mood before and after",
    "step outside for a short walk when your thoughts start to spiral",
    "speak to yourself the way you would to a good friend",
    "put the phone in another room for the last half hour before bed",
    "reach out to one person this week, even with a short message",
)
PRO_ENCOURAGEMENT = (
    "Small, repeated steps make a real difference over time.",
    "Be patient with yourself while a new habit takes root.",
    "It's fine if it feels awkward at first; that usually passes.",
    "Every attempt counts, including the ones that don't go to plan.",
    "You don't have to do it perfectly for it to help.",
    "Noticing the pattern is already an important first step.",
    "Change tends to show up gradually, then all at once.",
    "Go gently, and adjust it to what fits your life.",
    "Consistency matters far more than intensity here.",
    "You are allowed to take this at your own pace.",
)
PRO_CLOSERS = (
    "If things feel overwhelming, please reach out to a professional or a crisis line.",
    "Feel free to ask questions below and I'll answer what I can in general terms.",
    "What has worked for you? Sharing it may help someone else.",
    "Take what's useful and leave the rest.",
    "I'll share a worksheet on this in the resources section soon.",
    "Wishing everyone a steady week.",
    "If this brings up something difficult, it's worth raising with your own therapist.",
    "Let us know how it goes if you give it a try.",
    "There's no wrong way to start.",
    "Thank you all for making this a supportive space.",
)
PRO_COMMENT_OPENERS = (
    "Thank you for sharing this so openly.",
    "This is a really good observation.",
    "What you describe is very common, and understandable.",
    "It takes courage to put this into words.",
    "I'm glad you brought this to the community.",
    "Well done for noticing this pattern.",
    "That sounds like a difficult stretch.",
    "This is a great question.",
    "Thanks for raising this here.",
    "You're describing something many people go through.",
    "I appreciate how clearly you put this.",
    "This is worth talking about.",
)
PRO_COMMENT_MIDDLES = (
    "One thing that often helps is slowing your breathing before you respond to the thought.",
    "Try breaking it into the smallest possible first step.",
    "A short grounding exercise can take the edge off when it spikes.",
    "Tracking it for a week can show patterns that are hard to see day to day.",
    "It may help to set aside a fixed time for worries instead of fighting them all day.",
    "Progress is rarely linear; a hard week doesn't undo the work you've done.",
    "Being kind to yourself here is not indulgent, it's part of the work.",
    "A regular sleep and wake time can make mood noticeably steadier.",
    "It can be worth bringing this up with your therapist or GP.",
    "Naming the feeling, even just to yourself, is a useful first step.",
    "Small pleasant activities, planned ahead, can lift energy over time.",
    "Reaching out, as you did here, is itself a coping skill.",
    "Try noticing the first small sign that a hard moment is coming; that's where change starts.",
    "A short walk after meals can steady both energy and mood.",
    "Writing the worry down before bed often makes it easier to let go of it.",
    "Pairing a new habit with something you already do makes it easier to keep.",
)
PRO_COMMENT_CLOSERS = (
    "Take care.",
    "Wishing you a gentler week.",
    "You're doing better than you think.",
    "Keep going at your own pace.",
    "Feel free to share how it goes.",
    "Be gentle with yourself.",
    "Small steps count.",
    "Glad you're here.",
    "One step at a time.",
    "Thanks for sharing.",
    "Go easy on yourself.",
    "Rooting for you.",
)

# --- moderators: the community's hosts -------------------------------------------------

MOD_TITLE_HEADS = (
    "Weekly check-in:",
    "Community reminder:",
    "Welcome thread:",
    "Resource roundup:",
    "Open thread:",
    "Moderator note:",
)
MOD_TITLE_TOPICS = (
    "how is everyone doing",
    "our community guidelines",
    "introduce yourself",
    "helpful tools and apps",
    "small wins this week",
    "being kind in replies",
    "upcoming group sessions",
    "where to find crisis support",
)
MOD_OPENERS = (
    "Hi everyone, a quick note from the moderation team.",
    "Welcome to all our new members this week!",
    "Time for our regular community check-in.",
    "A friendly reminder as the community keeps growing.",
    "Thanks to everyone who has been posting and replying.",
    "Starting a thread for this week.",
)
MOD_MIDDLES = (
    "Please keep replies supportive and avoid giving medical advice.",
    "Share as much or as little as you like; lurking is welcome too.",
    "If you see a post that worries you, use the report button and we'll take a look.",
    "Our therapists post resources here regularly, so keep an eye out.",
    "Remember that this space is peer support, not a replacement for professional care.",
    "Personal details of others stay out of the threads, please.",
    "Group sessions are listed in the community tab if you'd like to join one.",
    "If you're in crisis, please contact local emergency services or a crisis line.",
)
MOD_CLOSERS = (
    "Drop a comment below to say hi.",
    "What's one thing you'd like to see more of here?",
    "Thanks for helping make this a safe space.",
    "Reach out to the moderators any time.",
    "Looking forward to reading your updates.",
    "Take care of yourselves this week.",
)
MOD_SIGNOFFS = (
    "— the moderators",
    "— your moderation team",
    "See you in the threads!",
    "Thanks, all.",
)
MOD_COMMENT_OPENERS = (
    "Thanks for posting this.",
    "Welcome to the community!",
    "Really glad you shared this here.",
    "Great to see this conversation.",
    "Thank you for being part of this group.",
    "Appreciate you opening up.",
    "Thanks for adding to the conversation.",
    "Lovely to see this here.",
    "Appreciate you sharing this with the group.",
)
MOD_COMMENT_MIDDLES = (
    "Others here have been through similar things and may have ideas.",
    "You might find the resources pinned at the top of the community helpful.",
    "There's a group session coming up that touches on this.",
    "Please remember replies here are peer support, not medical advice.",
    "If things feel like too much, please reach out to a crisis line.",
    "Keep the replies coming, everyone, this is what the community is for.",
    "Feel free to message the moderators if you need anything.",
    "It's great to see members supporting each other like this.",
    "Replies like these are what make the community work.",
    "Don't forget there's a weekly check-in thread if you'd like to keep posting updates.",
    "Take what helps and leave the rest, everyone's path is different.",
)
MOD_COMMENT_CLOSERS = (
    "Take care.",
    "We're glad you're here.",
    "Keep us posted.",
    "Wishing you a good week.",
    "Thanks again.",
    "See you in the threads.",
    "Thanks for being here.",
    "Look after yourselves.",
)

# --- in context: a client thanking staff, a reply to a peer, a colleague adding to staff ---

# A client's comment on a therapist's or moderator's post (or reply to their comment) thanks
# them for it instead of cheering them on; a reply to another client's comment answers that
# comment ("{name}" is its writer's first name); staff adding to a colleague's post write as
# colleagues. The middles are the voices' own.
THANKS_OPENERS = (
    "Thank you for this, it helps.",
    "Saving this one.",
    "Really useful, thank you.",
    "Good reminder, thank you.",
    "I needed to read this today.",
    "This is so helpful.",
    "Thanks for taking the time to post this.",
    "Bookmarking this.",
    "Exactly what I needed.",
    "Thank you, this is clear and kind.",
    "So useful, thanks.",
    "Appreciate this a lot.",
)
THANKS_CLOSERS = (
    "Thanks for posting these.",
    "Going to try this tonight.",
    "Looking forward to the next one.",
    "Grateful for this space.",
    "Appreciate you.",
    "Sharing this with a friend.",
    "Will report back.",
    "Trying it this week.",
    "Thank you for being here.",
)
REPLY_OPENERS = (
    "Same here, {name}.",
    "Well said, {name}.",
    "Thanks for saying this, {name}.",
    "This, exactly.",
    "Agreed with this.",
    "So true.",
    "{name}, this is such good advice.",
    "Yes! I feel this.",
    "Love this, {name}.",
    "{name}, I needed this.",
    "Same, honestly.",
    "Couldn't agree more.",
)
REPLY_CLOSERS = (
    "Glad I'm not the only one.",
    "Thanks for adding this.",
    "Good to know.",
    "Taking notes.",
    "Hang in there.",
    "Hugs to you too.",
    "Sending good vibes.",
    "We've got this.",
    "You're not alone either.",
)
COLLEAGUE_OPENERS = (
    "Adding to this from my practice:",
    "Seconding this.",
    "Well put.",
    "A helpful reminder for all of us.",
    "Great to see this shared here.",
    "Agreeing with all of this.",
    "A point worth repeating.",
    "From a clinical angle, this holds up well.",
)
COLLEAGUE_CLOSERS = (
    "Thanks for posting this.",
    "A good one to save.",
    "Glad this is here for members.",
    "Thank you for writing it up.",
    "Useful for members and clinicians alike.",
    "I'll be pointing people here.",
    "Nicely explained.",
)

# --- responses: comments on a post that reads as reportable, fitted to what it is ----------

# A post in crisis, a hostile one (insults, harassment, someone's private details) or spam
# (misleading health claims, promotion) is not answered with the friendly pools: peers show
# concern and point to help, push back, or call the spam out; therapists check in or warn;
# moderators write a moderation note. RESPONSE_KIND maps each report reason to its kind;
# per kind (CRISIS, HOSTILE, SPAM) and writer (peer, therapist, moderator): (openers,
# middles, closers). 988 is the US Suicide & Crisis Lifeline (call or text).
CRISIS, HOSTILE, SPAM = 0, 1, 2
RESPONSE_KIND = {
    "Inappropriate content": HOSTILE,
    "Spam or misleading information": SPAM,
    "Harassment or bullying": HOSTILE,
    "Self-harm or crisis concern": CRISIS,
    "Sharing personal information": HOSTILE,
    "Off-topic promotion": SPAM,
}
RESPONSES: tuple[tuple[tuple[tuple[str, ...], ...], ...], ...] = (
    (  # CRISIS
        (
            (
                "I'm really glad you told us.",
                "Please don't go anywhere, we want you here.",
                "Reading this, I'm worried about you.",
                "Thank you for telling us how bad it is right now.",
                "You're not a burden, not here and not anywhere.",
                "I've been somewhere like this and I'm so glad you posted.",
            ),
            (
                "If you're in the US you can call or text 988 any time, day or night.",
                "Please reach out to someone tonight: a crisis line, a friend, anyone you trust.",
                "If you feel unsafe right now, please call 988 or your local emergency number.",
                "When I felt like this, texting a crisis line got me through the night.",
                "Could you message someone close to you right now and tell them how you feel?",
                "You don't have to get through tonight alone, the 988 line is there for this.",
            ),
            (
                "Can you let us know you're safe?",
                "We're here and we're listening.",
                "Please stay. Message me if you want to talk.",
                "I'll check back on this thread later.",
            ),
        ),
        (
            (
                "I'm a therapist here and I want to check in with you.",
                "Thank you for reaching out; I'm taking what you wrote seriously.",
                "I'm one of the therapists on Mentara and I'm concerned for your safety.",
                "I'm glad you wrote this instead of keeping it inside.",
            ),
            (
                "If you are thinking of ending your life or are in danger, call or text 988 "
                "(US) or your local emergency number now.",
                "Please contact the 988 Suicide & Crisis Lifeline by call or text, or go to "
                "the nearest emergency department if you are not safe.",
                "If you see a therapist, please tell them about this today; if not, you can "
                "book an urgent session from your dashboard.",
                "Please reach out to a crisis line or someone you trust right now, and put "
                "away anything you could use to hurt yourself.",
            ),
            (
                "You deserve support, and it is available right now.",
                "I'll check on this thread again later today.",
                "You are not alone in this.",
                "Please reply so we know you're safe.",
            ),
        ),
        (
            (
                "Hi, I'm one of the moderators and I'm checking in on you.",
                "Moderator here: thank you for telling us, we're taking this seriously.",
                "We've seen what you wrote and we're worried about you.",
                "Checking in from the moderation team.",
            ),
            (
                "If you're in immediate danger, please call or text 988 (US) or your local "
                "emergency number.",
                "Our care team has been told and will reach out to you privately.",
                "Crisis support is there 24/7: call or text 988 in the US, or your local "
                "crisis line.",
                "Please reach out to a crisis line near you or someone you trust tonight; "
                "in the US, 988 answers by call or text.",
            ),
            (
                "You matter to this community.",
                "Please reply or message us so we know you're okay.",
                "We're here for you.",
                "Please take care of yourself tonight.",
            ),
        ),
    ),
    (  # HOSTILE
        (
            (
                "Not okay.",
                "That's out of line.",
                "Please don't talk to people like this here.",
                "This isn't what this group is for.",
                "Wow, no.",
            ),
            (
                "People come here when they're struggling, and words like this push them away.",
                "You can disagree without attacking anyone.",
                "Singling someone out like this is against the community guidelines.",
                "Everyone here deserves respect, including the people you're talking about.",
                "Whatever's going on with you, taking it out on others won't help.",
            ),
            (
                "Mods, please take a look at this.",
                "Mods, can you step in?",
                "To anyone this is aimed at: ignore it, we're glad you're here.",
                "Please take this down.",
            ),
        ),
        (
            (
                "As one of the therapists here, I want to respond to this.",
                "Speaking as a clinician in this community:",
                "I want to push back on this.",
                "A word from one of the therapists here.",
            ),
            (
                "Mental health conditions are real, and reaching out for support takes courage.",
                "Personal attacks and private details shared without consent cause real harm "
                "and don't belong here.",
                "Frustration is understandable, but directing it at other members isn't okay.",
                "If this thread upset you, it's fine to step away and look after yourself.",
            ),
            (
                "I've asked the moderators to look at this.",
                "Please treat each other with care.",
                "Anyone affected is welcome to reach out.",
                "This community is for support, not for attacks.",
            ),
        ),
        (
            (
                "Moderator note:",
                "Mod note:",
                "A note from the moderation team:",
                "Moderator here.",
            ),
            (
                "This breaks our community guidelines on respectful conversation and is under "
                "review.",
                "Personal attacks, harassment and sharing others' private information are not "
                "allowed here.",
                "We're reviewing this and have contacted its author privately.",
                "Please report content like this rather than replying to it.",
            ),
            (
                "Please keep conversations kind and respectful.",
                "Repeated violations may lead to removal from the community.",
                "If you were affected, you can message the moderators any time.",
                "Thank you for your patience while we look into it.",
            ),
        ),
    ),
    (  # SPAM
        (
            (
                "This is spam.",
                "Is this an ad?",
                "Please don't sell stuff here.",
                "Nope.",
                "Not the place for this.",
            ),
            (
                "This group is for support, not for selling things.",
                "Don't click links from people you don't know.",
                "Ads aren't allowed in this community.",
                "Please don't change any treatment because of something you read here.",
            ),
            (
                "Mods?",
                "Moving on.",
                "Ignore this one, everyone.",
                "Please take it somewhere else.",
            ),
        ),
        (
            (
                "A word of caution for anyone reading:",
                "Please be careful with this one.",
                "As a therapist here, I'd urge caution.",
            ),
            (
                "Never stop or change a medication without the clinician who prescribed it.",
                "Products and programs promoted here aren't vetted by anyone on the platform.",
                "Unverified cures and paid links can do real harm.",
            ),
            (
                "If you have questions about your treatment, ask your own provider.",
                "Stay safe, everyone.",
                "Please check with a professional before trying anything like this.",
            ),
        ),
        (
            (
                "Moderator note:",
                "Mod note:",
                "Heads up from the moderators:",
            ),
            (
                "Advertising and paid links are not allowed in this community.",
                "This was reported as spam and is being reviewed.",
                "Health claims like these are misleading and against our guidelines.",
                "Please don't contact the poster or use their links.",
            ),
            (
                "Thanks for keeping the group safe.",
                "Repeated promotion will lead to removal.",
                "Please report similar posts when you see them.",
            ),
        ),
    ),
)

# --- the author's reply: a post's author answers one of its comments ----------------------

# (openers, middles, closers) for a client author, a staff author, and the author of a post
# in crisis (who tells those who checked in that they reached out). "{name}" is the first
# name of the commenter answered. No "my therapist": the author may not have had a session.
AUTHOR_REPLIES: tuple[tuple[tuple[str, ...], ...], ...] = (
    (
        (
            "Thank you all, this helps.",
            "Thanks so much, {name}.",
            "I really appreciate this.",
            "This means a lot, thank you.",
            "Thank you, {name}, this helps.",
            "I didn't expect so many kind replies.",
            "Thank you, {name}, I needed that.",
            "Honestly, thank you all.",
            "Reading these made my evening.",
            "You're all so kind.",
        ),
        (
            "I'm going to try what you suggested this week.",
            "It helps to know I'm not the only one.",
            "I read every comment twice.",
            "Good to hear it worked for you.",
            "I'll give it another go tomorrow.",
            "Writing this down so I remember it.",
            "Your comment made me feel a lot less alone.",
            "I tried a bit of it today already.",
            "I'm saving this thread for the harder days.",
            "It's good to hear it gets easier.",
        ),
        (
            "Will update.",
            "Grateful for this group.",
            "Thanks again.",
            "Feeling a bit lighter already.",
            "Onwards.",
            "Thank you for being here.",
            "I'll keep you posted.",
        ),
    ),
    (
        (
            "Glad this helped, {name}.",
            "Thanks for reading and for sharing this.",
            "Happy to hear it, {name}.",
            "Thank you for joining the conversation.",
            "Thanks, {name}, good to hear.",
            "Really glad this was useful.",
            "Thanks for the thoughtful reply.",
            "Appreciate you sharing your experience, {name}.",
        ),
        (
            "Small steps like this add up.",
            "Feel free to share how it goes.",
            "It gets easier with practice.",
            "That's a great way to put it into practice.",
            "Keep noticing what works for you.",
            "Consistency matters more than getting it perfect.",
            "Go at whatever pace feels right.",
            "Others here may find your example helpful too.",
        ),
        (
            "Take care.",
            "See you in the next thread.",
            "Be gentle with yourself.",
            "Thanks again.",
            "Wishing you a good week.",
        ),
    ),
    (
        (
            "Thank you for checking on me.",
            "I'm still here.",
            "Thank you, {name}, I didn't expect anyone to answer.",
            "Thanks for not scrolling past.",
        ),
        (
            "I called 988 last night and talked to someone for a long time.",
            "I told my sister and she's staying with me tonight.",
            "I texted the crisis line and it helped more than I thought it would.",
            "I booked an urgent session for tomorrow.",
        ),
        (
            "One day at a time.",
            "I'll keep posting.",
            "Thank you for being here.",
        ),
    ),
)

# --- reportable: the few posts and comments members report ---------------------------------

# Most texts are supportive. A few are of the kind a member reports instead, one kind per
# report reason (``social_text.REPORT_REASONS``), and each reads as every detail a report of
# that reason may give (``social_text.REPORTS``): a spam text both sells something and
# advises against care, an off-topic one both advertises and links a fundraiser. A text's
# kind shows in its first sentence (its opener): ``reportable_reason`` reads it back, and
# check matches on it. Posts: (titles, openers, middles, closers); comments: (openers,
# middles, closers).
#
# Who writes them: a member in crisis is anyone, so CRISIS_RATE of every client's texts
# (keyed) are a crisis, and a crisis is not misconduct. Misconduct (hostility, spam,
# promotion: ``MISCONDUCT_REASONS``) is the habit of a few repeat offenders, as in real
# communities: only an offender's texts (``content.offenders``: a small keyed pool of the
# clients, each a troll, HOSTILE, or a spammer, SPAM) are, OFFENDER_RATE of them, of its
# kind's reasons, drawn with REPORTABLE_WEIGHTS among them. (In 0.9.0 8 % of every client's
# posts were of any reason: 185 of 210 clients of a heavy x3 build wrote misconduct, one user
# both insulting members and selling a coaching programme.)
CRISIS_RATE = {"Post": 0.008, "Comment": 0.0035}
OFFENDER_RATE = {"Post": 0.25, "Comment": 0.3}
REPORTABLE_WEIGHTS = (0.25, 0.25, 0.2, 0.1, 0.1, 0.1)
REPORTABLE_POSTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "Inappropriate content": (
        (
            "Honestly, get over it",
            "Unpopular opinion about this group",
            "Can we stop the whining",
            "This place is a joke",
            "Real talk, no sugarcoating",
            "Sick of the pity parties",
        ),
        (
            "Gonna say what everyone's thinking.",
            "Not here for the hugs, sorry.",
            "Honestly this whole group is pathetic.",
            "Someone has to be blunt around here.",
            "Let's drop the fake niceness for once.",
        ),
        (
            "Half the 'diagnoses' in here are people who want an excuse to be lazy.",
            "Anxiety is a trendy label, not a real problem, and you all know it.",
            "If you were actually depressed you wouldn't be posting about it all day.",
            "People treat every bad mood like a disorder now and it's ridiculous.",
            "You lot invent a new condition every week to get attention.",
        ),
        (
            "Grow up.",
            "Deal with it like the rest of us.",
            "Downvote me, I don't care.",
            "Somebody had to say it.",
        ),
    ),
    "Spam or misleading information": (
        (
            "The supplement that fixed my anxiety",
            "Why I quit my meds (and you should too)",
            "The natural cure nobody talks about",
            "Ditch the appointments, try this instead",
            "90% of my symptoms gone in a week",
            "Doctors hate this routine",
        ),
        (
            "Sharing the secret my doctor never told me.",
            "Everyone here needs to hear this.",
            "Stop wasting money on sessions and pills.",
            "This changed everything for me, no joke.",
            "Big pharma won't like this post.",
        ),
        (
            "I stopped my antidepressants cold turkey, switched to NeuroCalm drops and never "
            "felt better.",
            "A 30-day mushroom tincture course cured my panic attacks, no prescription needed.",
            "My mindset coaching program replaces medication in under a month.",
            "The CalmMax capsules I sell fix anxiety at the root, unlike the pills doctors push.",
            "You can flush out depression with my juice cleanse plan, the meds only mask it.",
        ),
        (
            "Use my code HEAL20 for a discount at calmmax-shop.example.",
            "DM me for the order link, spots are limited.",
            "Link in my profile, the first bottle is half price.",
            "Message me and I'll send you the starter kit.",
        ),
    ),
    "Harassment or bullying": (
        (
            "To the person who keeps posting about their 'bad week'",
            "Some people here need to hear this",
            "Calling someone out",
            "To the Tuesday regular",
            "Enough from you",
            "A message for a certain member",
        ),
        (
            "This is for the member who won't stop posting the same sob story.",
            "You know who you are, and everyone is tired of you.",
            "I'm calling out one person in this group directly.",
            "Saw your reply again and I have to say something.",
            "Not naming names, but you know it's you.",
        ),
        (
            "Nobody cares about your breakup, you bring it up in every thread.",
            "You're the reason people stop posting here, you drain everyone.",
            "Every comment you write is attention-seeking and we all see it.",
            "Maybe if you stopped whining people would actually like you.",
            "It's no wonder your friends stopped calling you back.",
        ),
        (
            "Do everyone a favour and leave the group.",
            "Take the hint.",
            "Log off for once.",
            "Nobody wants you here.",
        ),
    ),
    "Self-harm or crisis concern": (
        (
            "I don't know how much longer I can do this",
            "Tired of everything",
            "Saying goodbye for a while",
            "Nothing helps anymore",
            "I can't keep going like this",
            "Probably my last post",
        ),
        (
            "I don't really know why I'm posting this.",
            "I'm so tired of fighting every single day.",
            "I've tried everything people suggested and nothing works.",
            "I don't think I can do this anymore.",
            "Tonight feels different, and not in a good way.",
        ),
        (
            "Everyone would honestly be better off without me around.",
            "I keep thinking there's no point in any of it anymore.",
            "I've started giving my things away because I won't need them.",
            "I can't see a way out of how I feel right now.",
            "I feel like a burden to every person in my life.",
        ),
        (
            "Sorry for dumping this here.",
            "Thanks for everything, all of you.",
            "I just wanted someone to know.",
            "Please don't worry about me.",
        ),
    ),
    "Sharing personal information": (
        (
            "Warning about someone from this group",
            "Screenshots of what they said to me",
            "You should all know who this is",
            "Exposing my ex's new partner",
            "Who this person really is",
            "Receipts from our private chat",
        ),
        (
            "Posting this so people know who they're dealing with.",
            "Sharing the screenshots of our private messages here.",
            "This needs to be public now.",
            "Everyone should see what this person sent me in private.",
            "I'm done keeping this quiet.",
        ),
        (
            "Her name is Dana Whitfield and she works the front desk at the Riverside Clinic, "
            "her messages to me are below.",
            "It's Marcus Bell, the manager at Greenway Logistics, and here is his private "
            "message to me.",
            "Jordan Alvarez from the Tuesday group works at Harbor Dental, and this is what he "
            "wrote me.",
            "The woman is Priya Natarajan, she teaches at Oakfield Elementary, screenshots of "
            "our chat below.",
            "That's Tom Reyes from accounts at Brightline Insurance, I've pasted our whole "
            "conversation.",
        ),
        (
            "Share it around.",
            "Do with that what you want.",
            "Don't say I didn't warn you.",
            "Let everyone know.",
        ),
    ),
    "Off-topic promotion": (
        (
            "Side income for anyone struggling with bills",
            "Please support my cousin",
            "Trading group now open",
            "Selling my old camera gear",
            "Cheap followers for your page",
            "Vote for my band",
        ),
        (
            "Sorry this isn't about mental health but it's important.",
            "Quick plug, mods please don't delete.",
            "Hey all, a bit off-topic today.",
            "Not my usual post, hope that's okay.",
            "Sharing this with every group I'm in.",
        ),
        (
            "Our trading group turned 200 dollars into 2,000 in a month, join at "
            "tradeclub.example.",
            "I'm selling lenses and a tripod at half price at market.example/lens-sale.",
            "My band is playing Friday and tickets are 10 dollars at tickets.example/low-tides.",
            "I make handmade candles and there's a sale this week at candles.example.",
            "Get 1,000 followers for 5 dollars at boost.example.",
        ),
        (
            "Also, my cousin's fundraiser is at fundraise.example/fix-the-van, every dollar helps.",
            "Please also chip in at fundraise.example/team-trip if you can.",
            "And if you can spare a few dollars: fundraise.example/new-roof.",
            "Share the fundraiser too: fundraise.example/vet-bills.",
        ),
    ),
}
REPORTABLE_COMMENTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "Inappropriate content": (
        ("Oh please.", "lol this again.", "Cry me a river.", "Seriously?"),
        (
            "Your 'anxiety' is just you being dramatic.",
            "Depression isn't a personality, stop making it one.",
            "Everyone's got a diagnosis now, it's embarrassing.",
            "Calling a bad day a 'disorder' is an insult to people with real problems.",
            "This group turns every mood into a mental illness.",
        ),
        ("Toughen up.", "Get over yourself.", "Pathetic.", "Grow a spine."),
    ),
    "Spam or misleading information": (
        (
            "Forget the advice above.",
            "Honestly skip all of that.",
            "Been there, here's what actually works.",
            "Nobody here will tell you this.",
        ),
        (
            "I quit my meds and fixed it with NeuroCalm drops in two weeks.",
            "CalmMax capsules cured my panic attacks, no doctor needed.",
            "My 30-day coaching course replaces professional care completely.",
            "A mushroom tincture cleared my depression, the pills only mask it.",
            "My juice cleanse plan flushes out anxiety, I've seen it work on dozens of people.",
        ),
        (
            "Use code HEAL20 at calmmax-shop.example.",
            "DM me for the link.",
            "Link in my profile.",
            "Message me for a discount.",
        ),
    ),
    "Harassment or bullying": (
        (
            "You again.",
            "Of course it's you posting this.",
            "Here we go with you again.",
            "Not this person again.",
        ),
        (
            "Nobody asked for your life story for the hundredth time.",
            "You make every thread about yourself.",
            "This is why nobody in this group replies to you.",
            "You've been told before, stop flooding the group with your drama.",
            "Maybe people avoid you for a reason.",
        ),
        ("Just leave.", "Take a hint.", "Give it a rest.", "Nobody wants to hear it."),
    ),
    "Self-harm or crisis concern": (
        (
            "Reading this I just feel worse.",
            "I wish I had your hope.",
            "Nothing like this ever works for me.",
            "I've stopped trying, honestly.",
        ),
        (
            "I don't see the point in anything anymore.",
            "I feel like everyone would be fine without me.",
            "I can't keep going like this much longer.",
            "I'm so tired of waking up every day.",
            "I've been saying goodbye to people without them realising.",
        ),
        (
            "Sorry.",
            "Don't mind me.",
            "Just needed to say it somewhere.",
            "I don't know what else to do.",
        ),
    ),
    "Sharing personal information": (
        (
            "For anyone wondering who this is about.",
            "I know exactly who this is.",
            "Time everyone knew.",
            "Not keeping this private anymore.",
        ),
        (
            "It's Dana Whitfield from the Riverside Clinic front desk.",
            "That's Marcus Bell, manager at Greenway Logistics.",
            "Jordan Alvarez, works at Harbor Dental, Tuesday group regular.",
            "Priya Natarajan, teaches at Oakfield Elementary.",
            "Tom Reyes in accounts at Brightline Insurance.",
        ),
        (
            "Screenshots of their messages to me below.",
            "I've pasted their private messages underneath.",
            "Our whole DM thread is in the photos.",
            "Here's what they wrote me in private.",
        ),
    ),
    "Off-topic promotion": (
        (
            "Off-topic, sorry.",
            "Quick plug while I'm here.",
            "Sorry to hijack the thread.",
            "Not related, but hear me out.",
        ),
        (
            "Our trading group is up 900% this month, join at tradeclub.example.",
            "Half-price lenses and a tripod at market.example/lens-sale.",
            "My band plays Friday, tickets at tickets.example/low-tides.",
            "Handmade candles on sale this week at candles.example.",
            "1,000 followers for 5 dollars at boost.example.",
        ),
        (
            "Also chip in at fundraise.example/fix-the-van.",
            "And please share fundraise.example/team-trip.",
            "Every dollar helps: fundraise.example/new-roof.",
            "Vet bills fundraiser: fundraise.example/vet-bills.",
        ),
    ),
}
REPORTABLE_REASONS = tuple(REPORTABLE_POSTS)
# The reasons that are someone's misconduct: all but a member in crisis.
MISCONDUCT_REASONS = tuple(r for r in REPORTABLE_REASONS if RESPONSE_KIND[r] != CRISIS)
# The reasons of a text that reads as an attack on someone, and of one that reads as spam.
HOSTILE_REASONS = ("Harassment or bullying", "Inappropriate content")
SPAM_REASONS = ("Spam or misleading information", "Off-topic promotion")
# Each reason's openers, posts' and comments': a reportable text begins with one and a space.
REPORTABLE_OPENERS: dict[str, tuple[str, ...]] = {
    r: REPORTABLE_POSTS[r][1] + REPORTABLE_COMMENTS[r][0] for r in REPORTABLE_REASONS
}


# Each opener's reason; whether no opener (with its space) begins another, so a text begins
# with at most one (then one anchored regex of them all finds its reason: one pass over the
# texts, not one per opener; else each opener is tried in turn, the last reason winning).
_OPENER_REASON = {o: r for r, openers in REPORTABLE_OPENERS.items() for o in openers}
_OPENERS_DISTINCT = len(_OPENER_REASON) == sum(map(len, REPORTABLE_OPENERS.values()))
_OPENERS_UNAMBIGUOUS = _OPENERS_DISTINCT and not any(
    b != a and (b + " ").startswith(a + " ") for a in _OPENER_REASON for b in _OPENER_REASON
)
_OPENERS_PATTERN = "^(" + "|".join(re.escape(o) for o in _OPENER_REASON) + ") "


def reportable_reason_expr(content: str) -> pl.Expr:
    """The report reason the texts of column ``content`` read as (``REPORTABLE_OPENERS``);
    NULL for a friendly one. Named ``reason``."""
    if _OPENERS_UNAMBIGUOUS:
        return (
            pl.col(content)
            .str.extract(_OPENERS_PATTERN, 1)
            .replace_strict(
                pl.Series(list(_OPENER_REASON), dtype=pl.String),
                pl.Series(list(_OPENER_REASON.values()), dtype=pl.String),
                default=None,
            )
            .alias("reason")
        )
    out = pl.lit(None, dtype=pl.String)
    text = pl.col(content)
    for reason, openers in REPORTABLE_OPENERS.items():  # a few dozen openers, each vectorised
        hit = pl.any_horizontal(text.str.starts_with(o + " ") for o in openers)
        out = pl.when(hit).then(pl.lit(reason)).otherwise(out)
    return out.alias("reason")


def misconduct_expr(content: str) -> pl.Expr:
    """Whether each text of column ``content`` reads as misconduct (``MISCONDUCT_REASONS``:
    hostility, spam or promotion; not a member in crisis)."""
    return reportable_reason_expr(content).is_in(MISCONDUCT_REASONS).fill_null(False)


def reportable_reason(content: pl.Series) -> pl.Series:
    """The report reason each text reads as (``REPORTABLE_OPENERS``); NULL for a friendly one."""
    return content.to_frame("t").select(reportable_reason_expr("t").alias("reason"))["reason"]


# The voices of the authors: a user's role picks one (``voices``); any other role writes as
# a client.
VOICES = ("client", "therapist", "moderator")
# A client who has had no completed session yet by the time of writing (``treated`` false)
# writes in a fourth voice: the client's pools, with "my therapist" lines told of a friend
# or an app instead (same sizes and draws, so only those lines differ).
UNTREATED = len(VOICES)
# A client's reportable text (of reason i) is written in voice REPORTABLE + i.
REPORTABLE = UNTREATED + 1
# A comment's context (``comments``): on a peer's post, on staff's (a post or a comment it
# answers), answering a client's comment, or its post's author answering a comment.
PEER, STAFF, REPLY, OWN_POST = 0, 1, 2, 3


def _told_otherwise(pool: tuple[str, ...], i: int, line: str) -> tuple[str, ...]:
    """``pool`` with item ``i`` (a line about the writer's therapist) replaced by ``line``."""
    assert "my therapist" in pool[i] and "therapist" not in line
    return (*pool[:i], line, *pool[i + 1 :])


UNTREATED_TRIED = _told_otherwise(TRIED, 10, "a guided body scan from a free app")
UNTREATED_OUTCOMES = _told_otherwise(OUTCOMES, 10, "a friend says it's a good start")
UNTREATED_COMMENT_MIDDLES = _told_otherwise(
    COMMENT_MIDDLES, 4, "Talking to a friend about it made a big difference."
)


def voices(role: pl.Series) -> I64:
    """The index in ``VOICES`` of each author's role (client for any other role, or none).

    A lookup in polars: the roles as numpy would be Python strings, one object a row."""
    other = list(range(1, len(VOICES)))
    code: I64 = (
        role.cast(pl.String)
        .replace_strict(list(VOICES[1:]), other, default=0, return_dtype=pl.Int64)
        .fill_null(0)
        .to_numpy()
    )
    return code


def _combined(*parts: tuple[str, ...], form: str) -> pl.Series:
    """Every combination of one item per part (the last varying fastest), spelled by ``form``."""
    return pl.Series([form.format(*c) for c in itertools.product(*parts)], dtype=pl.String)


Parts = tuple[tuple[str, ...], ...]


class _Pool:
    """Per voice (in ``VOICES`` order, then ``UNTREATED``): a form, its parts and the keyed
    stream index of the pick of each part (distinct across roles, so a voice's texts do not
    depend on which other voices exist; the untreated client's are the client's, so the two
    differ only in the lines about a therapist). The combinations of all voices are held in
    one column, each voice's at its offset."""

    def __init__(self, *by_voice: tuple[str, Parts, tuple[int, ...]]) -> None:
        self.texts = pl.concat([_combined(*parts, form=form) for form, parts, _ in by_voice])
        sizes = [int(np.prod([len(p) for p in parts])) for _, parts, _ in by_voice]
        self.offsets = np.cumsum(sizes) - sizes
        self.picks = [(parts, indices) for _, parts, indices in by_voice]

    def gather(self, stream: Stream, keys: U64, voice: I64) -> pl.Series:
        """One keyed text per key, from the pool of the key's voice."""
        at = np.zeros(len(keys), dtype=np.int64)
        for v, (parts, indices) in enumerate(self.picks):
            rows = np.flatnonzero(voice == v)
            if len(rows):
                code = _code(stream, keys[rows], *zip(parts, indices, strict=True))
                at[rows] = self.offsets[v] + code
        return self.texts.gather(at)


# The texts are gathered from all combinations (of a few parts: a client's body has 1.35M),
# by a mixed-radix code of the same draws as picking each part would make. The client
# voice keeps the stream indices it had before there were other voices.
_TITLES = _Pool(
    # A client's title topic is what the body says they tried: one draw (14) picks both.
    ("{} {}", (TITLE_HEADS, TITLE_TOPICS), (10, 14)),
    ("{} {}", (PRO_TITLE_HEADS, PRO_TITLE_TOPICS), (30, 31)),
    ("{} {}", (MOD_TITLE_HEADS, MOD_TITLE_TOPICS), (40, 41)),
    ("{} {}", (TITLE_HEADS, TITLE_TOPICS), (10, 14)),
    *(("{}", (REPORTABLE_POSTS[r][0],), (80,)) for r in REPORTABLE_REASONS),
)
_BODY_HEADS = _Pool(
    ("{} Lately {}. So I started ", (OPENERS, SITUATIONS), (12, 13)),
    ("{} {} One thing that often helps: ", (PRO_OPENERS, PRO_OBSERVATIONS), (32, 33)),
    ("{} {} ", (MOD_OPENERS, MOD_MIDDLES), (42, 43)),
    ("{} Lately {}. So I started ", (OPENERS, SITUATIONS), (12, 13)),
    *(("{} {} ", REPORTABLE_POSTS[r][1:3], (81, 82)) for r in REPORTABLE_REASONS),
)
_BODY_TAILS = _Pool(
    ("{}, and {}. {}", (TRIED, OUTCOMES, QUESTIONS), (14, 15, 16)),
    ("{}. {} {}", (PRO_TIPS, PRO_ENCOURAGEMENT, PRO_CLOSERS), (34, 35, 36)),
    ("{} {}", (MOD_CLOSERS, MOD_SIGNOFFS), (44, 45)),
    ("{}, and {}. {}", (UNTREATED_TRIED, UNTREATED_OUTCOMES, QUESTIONS), (14, 15, 16)),
    *(("{}", REPORTABLE_POSTS[r][3:], (83,)) for r in REPORTABLE_REASONS),
)
_COMMENTS = _Pool(
    ("{} {} {}", (COMMENT_OPENERS, COMMENT_MIDDLES, COMMENT_CLOSERS), (20, 21, 22)),
    ("{} {} {}", (PRO_COMMENT_OPENERS, PRO_COMMENT_MIDDLES, PRO_COMMENT_CLOSERS), (50, 51, 52)),
    ("{} {} {}", (MOD_COMMENT_OPENERS, MOD_COMMENT_MIDDLES, MOD_COMMENT_CLOSERS), (60, 61, 62)),
    ("{} {} {}", (COMMENT_OPENERS, UNTREATED_COMMENT_MIDDLES, COMMENT_CLOSERS), (20, 21, 22)),
    *(("{} {} {}", REPORTABLE_COMMENTS[r], (84, 85, 86)) for r in REPORTABLE_REASONS),
    # In context (voices IN_CONTEXT + i): a client thanking staff (treated, untreated), a
    # client replying to a client (treated, untreated), staff adding to staff.
    ("{} {} {}", (THANKS_OPENERS, COMMENT_MIDDLES, THANKS_CLOSERS), (70, 21, 71)),
    ("{} {} {}", (THANKS_OPENERS, UNTREATED_COMMENT_MIDDLES, THANKS_CLOSERS), (70, 21, 71)),
    ("{} {} {}", (REPLY_OPENERS, COMMENT_MIDDLES, REPLY_CLOSERS), (72, 21, 73)),
    ("{} {} {}", (REPLY_OPENERS, UNTREATED_COMMENT_MIDDLES, REPLY_CLOSERS), (72, 21, 73)),
    ("{} {} {}", (COLLEAGUE_OPENERS, PRO_COMMENT_MIDDLES, COLLEAGUE_CLOSERS), (74, 51, 75)),
    # Responses (voices RESPONSE + 3 * kind + writer) and the author's replies (voices
    # AUTHOR + i): own stream indices, so the other comments keep their draws.
    *(("{} {} {}", parts, (100, 101, 102)) for by_writer in RESPONSES for parts in by_writer),
    *(("{} {} {}", parts, (103, 104, 105)) for parts in AUTHOR_REPLIES),
)
IN_CONTEXT = REPORTABLE + len(REPORTABLE_REASONS)
RESPONSE = IN_CONTEXT + 5
AUTHOR = RESPONSE + 3 * len(RESPONSES)


def _code(stream: Stream, keys: U64, *parts: tuple[tuple[str, ...], int]) -> I64:
    """The index of the combination of one keyed pick (options, stream index) per part."""
    code = np.zeros(len(keys), dtype=np.int64)
    for options, index in parts:
        code = code * len(options) + stream.choice(keys, len(options), index=index)
    return code


def _voice(
    stream: Stream,
    keys: U64,
    role: pl.Series | None,
    treated: npt.NDArray[np.bool_] | None,
    table: str,
    author: pl.Series | None = None,
    offender: I64 | None = None,
) -> I64:
    """Each text's voice: its author's role's, a client's untreated or a reportable one: a
    crisis (CRISIS_RATE of the clients' ``table`` texts, keyed; never a fixture account's,
    by its ``author`` id), or, of an ``offender`` (per text, its author's misconduct kind,
    HOSTILE or SPAM; -1 for none, the default), OFFENDER_RATE of its texts of that kind."""
    voice = np.zeros(len(keys), dtype=np.int64) if role is None else voices(role)
    if treated is not None:
        voice = np.where((voice == 0) & ~treated, UNTREATED, voice)
    # Own stream indices: the other texts keep their draws.
    client = (voice == 0) | (voice == UNTREATED)
    if author is not None:  # developers log in as the fixtures: they write nothing reportable
        client &= ~author.fill_null("").str.starts_with("dev_").to_numpy()
    out: I64 = np.where(
        client & stream.bernoulli(keys, CRISIS_RATE[table], index=90),
        REPORTABLE + REPORTABLE_REASONS.index("Self-harm or crisis concern"),
        voice,
    )
    if offender is None:
        return out
    bad = client & (out < REPORTABLE) & stream.bernoulli(keys, OFFENDER_RATE[table], index=92)
    for kind in (HOSTILE, SPAM):  # each kind's reasons, by their weights among them
        weights = [w * (RESPONSE_KIND[r] == kind)
                   for r, w in zip(REPORTABLE_REASONS, REPORTABLE_WEIGHTS, strict=True)]  # fmt: skip
        reason = stream.choice(keys, len(REPORTABLE_REASONS), p=weights, index=91)
        out = np.where(bad & (offender == kind), REPORTABLE + reason, out)
    return out


def posts(
    stream: Stream,
    keys: U64,
    role: pl.Series | None = None,
    treated: npt.NDArray[np.bool_] | None = None,
    author: pl.Series | None = None,
    offender: I64 | None = None,
) -> tuple[pl.Series, pl.Series]:
    """(title, content) per key, in the voice of the author's ``role`` (default: clients);
    a client not ``treated`` (no completed session yet; default: all treated) never writes
    of "my therapist"; a keyed few of the clients' are reportable (a crisis, or misconduct
    of an ``offender``'s kind: ``_voice``), none of the fixture accounts' (by ``author``, the
    author ids, when given)."""
    voice = _voice(stream, keys, role, treated, "Post", author, offender)
    title = _TITLES.gather(stream, keys, voice)
    head = _BODY_HEADS.gather(stream, keys, voice)
    tail = _BODY_TAILS.gather(stream, keys, voice)
    return title.alias("title"), (head + tail).alias("content")


def comments(
    stream: Stream,
    keys: U64,
    role: pl.Series | None = None,
    treated: npt.NDArray[np.bool_] | None = None,
    author: pl.Series | None = None,
    context: I64 | None = None,
    name: pl.Series | None = None,
    kind: I64 | None = None,
    parent_kind: I64 | None = None,
    offender: I64 | None = None,
) -> pl.Series:
    """A comment per key, in the voice of the author's ``role`` (default: clients), as
    ``posts`` (``treated``, ``author``, ``offender``), fitted to its ``context`` (PEER,
    STAFF, REPLY or OWN_POST; default PEER): "{name}" in a reply is ``name``, the first name
    of whom it answers. On a post of a response ``kind`` (CRISIS, HOSTILE, SPAM; -1 for a friendly
    post) every comment but the author's is a response of that kind in its writer's voice;
    elsewhere, a reply to a comment of a ``parent_kind`` (-1: friendly) is a response of
    that kind unless it reads as reportable itself."""
    voice = _voice(stream, keys, role, treated, "Comment", author, offender)
    writer = np.zeros(len(keys), dtype=np.int64) if role is None else voices(role)
    kind = np.full(len(keys), -1, dtype=np.int64) if kind is None else kind
    if parent_kind is not None:
        reportable = (voice >= REPORTABLE) & (voice < IN_CONTEXT)
        kind = np.where((kind < 0) & ~reportable, parent_kind, kind)
    if context is not None:
        # The author's reply: a client's or staff's thanks, or a word from the author of a
        # post in crisis.
        author_voice = AUTHOR + np.where(kind == CRISIS, 2, np.minimum(writer, 1))
        voice = np.where(context == OWN_POST, author_voice, voice)
        context = np.where(context == OWN_POST, -1, context)
    voice = np.where(
        (kind >= 0) & (voice < AUTHOR), RESPONSE + 3 * np.maximum(kind, 0) + writer, voice
    )
    if context is not None:
        client = voice == 0
        mine = client | (voice == UNTREATED)
        # (A response's voice is none of these: it stays as it is.)
        staff = (voice == VOICES.index("therapist")) | (voice == VOICES.index("moderator"))
        voice = np.select(
            [mine & (context == STAFF), mine & (context == REPLY), staff & (context == STAFF)],
            [IN_CONTEXT + 1 - client, IN_CONTEXT + 3 - client, np.full(len(voice), IN_CONTEXT + 4)],
            voice,
        )
    text = _COMMENTS.gather(stream, keys, voice)
    if name is not None:
        named = pl.DataFrame({"t": text, "n": name.fill_null("")})
        text = named.select(pl.col("t").str.replace("{name}", pl.col("n"), literal=True))["t"]
    return text.alias("content")
