"""Peer-support texts for posts and comments, assembled from parts (our own wording).

A post body is opener + situation + what was tried + how it went + a question: 15 x 20 x 20 x
15 x 15 combinations, with a title from another 20 x 20, so posts rarely repeat; tests assert
that no two posts of a medium build share title and body.
"""

from __future__ import annotations

import itertools

import numpy as np
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
TITLE_TOPICS = (
    "breathing exercises",
    "evening journaling",
    "lunch walks",
    "a phone-free bedroom",
    "naming my feelings",
    "grounding",
    "tiny to-do lists",
    "daily check-ins with friends",
    "a fixed wake-up time",
    "less caffeine",
    "body scans",
    "worry time",
    "morning stretches",
    "saying no",
    "cold water resets",
    "calm playlists",
    "mood tracking",
    "small things to look forward to",
    "weekly family calls",
    "morning pages",
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
)


def _combined(*parts: tuple[str, ...], form: str) -> pl.Series:
    """Every combination of one item per part (the last varying fastest), spelled by ``form``."""
    return pl.Series([form.format(*c) for c in itertools.product(*parts)], dtype=pl.String)


# The texts are gathered from all combinations (of a few parts: the body has 1.35M), by a
# mixed-radix code of the same draws as picking each part would make.
_TITLES = _combined(TITLE_HEADS, TITLE_TOPICS, form="{} {}")
_BODY_HEADS = _combined(OPENERS, SITUATIONS, form="{} Lately {}. So I started ")
_BODY_TAILS = _combined(TRIED, OUTCOMES, QUESTIONS, form="{}, and {}. {}")
_COMMENTS = _combined(COMMENT_OPENERS, COMMENT_MIDDLES, COMMENT_CLOSERS, form="{} {} {}")


def _code(stream: Stream, keys: U64, *parts: tuple[tuple[str, ...], int]) -> I64:
    """The index of the combination of one keyed pick (options, stream index) per part."""
    code = np.zeros(len(keys), dtype=np.int64)
    for options, index in parts:
        code = code * len(options) + stream.choice(keys, len(options), index=index)
    return code


def posts(stream: Stream, keys: U64) -> tuple[pl.Series, pl.Series]:
    """(title, content) per key."""
    title = _TITLES.gather(_code(stream, keys, (TITLE_HEADS, 10), (TITLE_TOPICS, 11)))
    head = _BODY_HEADS.gather(_code(stream, keys, (OPENERS, 12), (SITUATIONS, 13)))
    tail = _BODY_TAILS.gather(_code(stream, keys, (TRIED, 14), (OUTCOMES, 15), (QUESTIONS, 16)))
    return title.alias("title"), (head + tail).alias("content")


def comments(stream: Stream, keys: U64) -> pl.Series:
    code = _code(stream, keys, (COMMENT_OPENERS, 20), (COMMENT_MIDDLES, 21), (COMMENT_CLOSERS, 22))
    return _COMMENTS.gather(code).alias("content")
