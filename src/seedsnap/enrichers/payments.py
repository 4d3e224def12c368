"""Payments: a payment method or two per client, and a payment per completed session.

Upstream's payments enricher was a placeholder and both tables stayed empty (seeder.md §7
row 19, §11.17). Here:
- every client without a payment method gets one or two (one default), added at sign-up and
  later, in the client's waking hours and before it was last seen (``users.last_seen``):
  cards (brand, last four, expiry in the future but for some that expire on the way,
  masked number), bank accounts (with a routing number that passes the ABA checksum),
  wallets, GCash and Maya (``PH_WALLETS``: the Philippine e-wallets the app takes, a
  wallet's own columns only: its number, name and email, verified (GCash's isVerified,
  Maya's mayaVerified); no card or billing columns), and as a second method sometimes an
  insurance plan (never used to pay a session); a card's or account's billing address is
  the client's home: its city (``Client.city``), the state of its home
  (``users.home_province``, whose time zone the client's acts follow) and a ZIP code of
  that city;
- every COMPLETED meeting without a payment is billed pro rata of the therapist's hourlyRate
  (hourlyRate x duration / 60, to the cent, halves up) to its client, just after the session
  (upstream would have charged an hour for a 30-minute check-in): about 96 %
  COMPLETED, 4 % FAILED, and PENDING only for sessions of the last three days; paid with the
  client's default method mostly, else another method the client had by then and that had
  not expired (a card is good through its expiry month, ``_exp_end``);
- a failure's reason is one of its method type's (``therapy_text.FAILURE_REASONS_BY_TYPE``:
  no card's reasons for a bank account or a wallet), never "Card expired" by chance: some
  cards expire on the way (``_expiring``; their expiry is the month before): the first
  session payment after fails "Card expired", its retry and the client's later payments
  are made with the other method the client had by then (never an expired card);
- a refund has a cause the data shows: a session its client then rated 1-2 stars is
  refunded, most of the time (``REFUND_LOW_REVIEW``), within ``REFUND_WITHIN`` of the review
  (and a session has one review, so a refunded one is never praised after); and now and then
  (``DUPLICATE_CHARGE``) a session that went through was charged twice a moment apart, the
  second charge refunded within ``REFUND_WITHIN``. The client's notices stay receipts: the
  app's NotificationType has no refund value;
- a FAILED session payment is tried again, once: the schema allows several payments per
  meeting (``Payment.meetingId`` is only indexed, not unique), and the app tells the client
  (a PAYMENT_FAILED notification, the notifications enricher). A client still seen after
  the failure retries it on their waking clock, soon after (``RETRY_MEAN``), with another
  method they hold if they have one; otherwise the app retries the method on file
  ``AUTO_RETRY_AFTER`` later (a client who stopped coming does not act, ``users.last_seen``).
  A retry mostly succeeds (``RETRY_SUCCESS``); one that fails is not tried again, so only a
  meeting's first payment is ever retried and a re-run adds nothing;
- a method's lastUsed is its latest payment;
- a build that can hold them has at least MIN_PENDING payments PENDING, MIN_FAILED FAILED
  and MIN_REFUNDED refunds of a session rated low (``_least``), so light and medium show
  each state.
- a fixture client's saved card expires in the anchor's month (``_expiring_soon``), so every
  build shows the app's expiry warning (a SUBSCRIPTION_EXPIRING notice on its first day).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.config import FIXTURES_PER_ROLE
from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, Context, Frames, timestamps
from seedsnap.generators import therapy_text as tx
from seedsnap.generators import vocab as v
from seedsnap.generators.clock import waking_between, waking_soon_after
from seedsnap.generators.common import between, json_object, ms_of, pick, text_keys
from seedsnap.generators.users import home_offset_of, home_province, seen_of
from seedsnap.random import I64, U64, Stream, child_keys, expand, name_key

READS = ("User", "Client", "Therapist", "Meeting", "Review", "PaymentMethod", "Payment")
WRITES = ("PaymentMethod", "Payment")
SALT = name_key("enrich", "payment-methods")

FIRST_TYPES = ("CARD", "BANK_ACCOUNT", "DIGITAL_WALLET")
FIRST_P = (0.75, 0.15, 0.10)
SECOND_TYPES = ("CARD", "BANK_ACCOUNT", "DIGITAL_WALLET", "INSURANCE")
SECOND_P = (0.5, 0.2, 0.15, 0.15)
# GCash and Maya, the Philippine e-wallets the app supports: a keyed share of the methods
# above but insurance (a draw of its own, index 26, so the others keep theirs) is one of
# them instead. The clients live in US states (``vocab.PROVINCES``) and pay in USD, so they
# are a minority beside cards, about as common as bank accounts: Filipinos abroad who kept
# their Philippine mobile, the number both wallets are opened with (``_wallet_numbers``).
PH_WALLETS = ("GCASH", "MAYA")
PH_WALLET_P = (0.08, 0.04)
# The fixture clients developers log in with (users.FIXTURES_PER_ROLE) show them both: two of
# them pay with one by default, whatever their draw. Fixed ids, so every build and scale has
# them (light's dozen methods would show no Maya) and no other client's method moves.
FIXTURE_WALLETS = {"dev_client_1": "GCASH", "dev_client_3": "MAYA"}
# Retrying a failed session payment (``retries``).
RETRY_SUCCESS = 0.88  # an assumption: most failures are a bank hold or a glitch
RETRY_MEAN = 6 * MS_PER_HOUR  # waking time before a client still coming pays again
RETRY_MIN_SEEN = 10 * MS_PER_MINUTE  # seen at least this long after the failure to retry it
AUTO_RETRY_AFTER = 3 * MS_PER_DAY  # when the app retries the method on file itself
CARD_EXPIRES = 0.5  # of the cards that can expire on the way (``_expiring``), those that do
# Refunds (``payments``): each has a cause a tester can see.
REFUND_LOW_REVIEW = 0.6  # an assumption: support refunds most sessions rated so low
DUPLICATE_CHARGE = 0.01  # a settled session charged a second time (a double submission)
DUPLICATE_AFTER = (1_000, 90_000)  # ms after the first charge
REFUND_WITHIN = 3 * MS_PER_DAY  # a refund follows its cause (an hour at least) within this
# A build that can hold them has at least MIN_PENDING payments still PENDING (a session of
# the last three days), MIN_FAILED FAILED (a settled one turned down) and MIN_REFUNDED
# refunds of a session rated 1-2 stars (``_least``: the top of a keyed ranking of the
# payments that could be): testers need them in light and medium too.
MIN_PENDING = 1
MIN_REFUNDED = 1
MIN_FAILED = 1
# The app warns a client of a saved card's expiry on the first day of its expiry month, at
# CARD_NOTICE_AT UTC (a SUBSCRIPTION_EXPIRING notice, the notifications enricher). A card
# expires in the anchor's month (``_expiring_soon``): the first fixture client's card
# (``FIXTURES_PER_ROLE``: fixed ids, so every scale has it and no other client's card moves)
# made this run that is good now and was saved before that month's notice; its expiry
# month ends within a month of the anchor, and the client was told when it began.
CARD_NOTICE_AT = 15 * MS_PER_HOUR
FIXTURE_CLIENTS = tuple(f"dev_client_{i + 1}" for i in range(FIXTURES_PER_ROLE))


def _least(
    s: Stream,
    ids: pl.Series,
    values: npt.NDArray[Any],
    value: Any,
    could: npt.NDArray[np.bool_],
    later: npt.NDArray[np.bool_],
    short: int,
    index: int,
) -> npt.NDArray[Any]:
    """``values`` (one per meeting of ``ids``) with at least ``short`` more of them ``value``
    among those that ``could`` be, where the keyed draws left fewer: the top of a ranking of
    those that could (``later`` ones last, then by a keyed draw of the meeting), a pure
    function of them."""
    short -= int((could & (values == value)).sum())
    if short <= 0 or not could.any():
        return values
    rows = np.flatnonzero(could)
    rank = pl.DataFrame(
        {
            "row": rows,
            "later": later[rows],
            "d": s.bits(text_keys(ids.gather(rows)), index),
            "id": ids.gather(rows),
        }
    ).sort("later", "d", "id")
    out = values.copy()
    out[rank["row"].head(short).to_numpy()] = value
    return out


def _digits(values: I64, width: int) -> pl.Expr:
    return pl.lit(pl.Series(values)).cast(pl.String).str.zfill(width)


def _routing(s: Stream, keys: U64) -> I64:
    """ABA routing numbers: a Federal Reserve prefix, six digits and the check digit."""
    prefix = np.concatenate([np.arange(1, 13), np.arange(21, 33)])[s.choice(keys, 24, index=40)]
    d = np.zeros((len(keys), 9), dtype=np.int64)
    d[:, 0], d[:, 1] = prefix // 10, prefix % 10
    d[:, 2:8] = s.integers(keys[:, None], 0, 10, index=np.arange(41, 47)[None, :])
    weighted = d[:, :8] @ np.array([3, 7, 1, 3, 7, 1, 3, 7])
    d[:, 8] = (10 - weighted % 10) % 10
    return np.asarray((d * 10 ** np.arange(8, -1, -1)).sum(axis=1), dtype=np.int64)


def _zip(s: Stream, keys: U64, cities: pl.Series) -> I64:
    """A ZIP code in each city of ``cities``: its 3-digit prefix (``vocab.CITY_ZIP3``; a
    client's city is always one of them, ``users.home_city``), then 01-99."""
    zip3 = cities.replace_strict(v.CITY_ZIP3, return_dtype=pl.Int64).to_numpy()
    out: I64 = zip3 * 100 + s.integers(keys, 1, 100, index=22)
    return out


def _fee(rate: pl.Expr, minutes: pl.Expr) -> pl.Expr:
    """hourlyRate x minutes / 60 as a Decimal(10, 2), rounded to the cent (halves up).

    Computed in integer cents: a float would round some halves down (0.125 is not exact).
    """
    cents = (rate * 100).cast(pl.Int64)
    fee = (cents * minutes.cast(pl.Int64) * 2 + 60) // 120
    return (fee.cast(pl.Decimal(10, 2)) / 100).cast(pl.Decimal(10, 2)).alias("amount")


def _wallet_numbers(s: Stream, client_keys: U64) -> pl.Series:
    """The mobile number of a client's GCash or Maya wallet: a Philippine mobile in the
    fictional block (``therapy_text.PH_FICTION_PREFIX`` and seven digits, 09XXXXXXXXX, the
    form a version of upstream's payment seed gives both). No US numbers: GCash Overseas
    takes some, but Maya takes +63 only, and one format reads as one app. A client keeps
    one mobile: keyed by the client (a draw of its own, index 31), the same on its GCash
    and its Maya."""
    digits = _digits(s.integers(client_keys, 0, 10_000_000, index=31), 7)
    return pl.select(pl.format("{}{}", pl.lit(tx.PH_FICTION_PREFIX), digits)).to_series()


def methods(ctx: Context, frames: Frames) -> pl.DataFrame:
    """One or two payment methods for every client that has none and verified its email (an
    unverified client has only just signed up)."""
    clients = (
        frames["Client"]
        .select(pl.col("userId"), "city", "createdAt")
        .join(frames["PaymentMethod"].select("userId").unique(), on="userId", how="anti")
        .join(
            frames["User"]
            .filter(pl.col("emailVerified"))
            .select(pl.col("id").alias("userId"), "firstName", "lastName", "email"),
            on="userId",
            how="inner",
        )
        .sort("userId")
    )
    if clients.is_empty():
        return ctx.empty("PaymentMethod")
    ck = text_keys(clients["userId"]) ^ SALT
    s = ctx.stream("PaymentMethod", "fields")
    count = 1 + s.bernoulli(ck, 0.35, index=0).astype(np.int64)
    row, j, keys = expand(ck, count)
    c = clients[row]
    c_at = c["createdAt"].dt.epoch("ms").to_numpy()
    # Added by the client, in their waking hours, before they were last seen.
    seen = seen_of(ctx, frames["User"], c["userId"])
    home = home_offset_of(ctx, c["userId"])
    first_at = waking_between(s, ck[row], c_at, np.minimum(c_at + MS_PER_DAY, seen), home, index=1)
    created = np.where(j == 0, first_at, waking_between(s, keys, first_at, seen, home, index=2))
    kind = np.where(
        j == 0,
        pick(s, keys, FIRST_TYPES, index=3, p=FIRST_P),
        pick(s, keys, SECOND_TYPES, index=4, p=SECOND_P),
    ).astype(str)
    u = s.uniform(keys, 26)
    ph = np.select(
        [u < PH_WALLET_P[0], u < PH_WALLET_P[0] + PH_WALLET_P[1]], list(PH_WALLETS), kind
    )
    kind = np.where(kind == "INSURANCE", kind, ph).astype(str)
    fixed = c["userId"].replace_strict(FIXTURE_WALLETS, default=None, return_dtype=pl.String)
    is_fixed = (j == 0) & fixed.is_not_null().to_numpy()
    kind = np.where(is_fixed, fixed.fill_null("").to_numpy(), kind).astype(str)
    name = c["firstName"] + " " + c["lastName"]
    province = home_province(ctx, c["userId"])
    year = int(ctx.config.anchor.year)
    raw = pl.DataFrame(
        {
            "userId": c["userId"],
            "type": kind,
            "name": name,
            "email": c["email"],
            "city": c["city"],
            "isDefault": j == 0,
            "brand": pick(s, keys, tx.CARD_BRANDS, index=5, p=tx.CARD_BRAND_WEIGHTS).astype(str),
            "bank": pick(s, keys, tx.BANKS, index=6).astype(str),
            "acct": pick(s, keys, ("checking", "savings"), index=7, p=(0.8, 0.2)).astype(str),
            "wallet": pick(s, keys, tx.WALLETS, index=8).astype(str),
            "insurer": pick(s, keys, v.INSURERS, index=9).astype(str),
            "state": np.asarray(v.PROVINCE_CODE)[province],
            "street": pick(s, keys, tx.STREETS, index=11).astype(str),
            "house": s.integers(keys, 10, 9900, index=12),
            "cardType": pick(s, keys, ("credit", "debit"), index=13, p=(0.6, 0.4)).astype(str),
            "expMonth": s.integers(keys, 1, 13, index=14),
            "expYear": year + s.integers(keys, 1, 6, index=15),
            "copay": np.array([20, 30, 40])[s.choice(keys, 3, index=16)],
            "deductible": np.array([500, 1000, 1500])[s.choice(keys, 3, index=17)],
            "sessions": np.array([20, 30, 52])[s.choice(keys, 3, index=18)],
            "verified": s.bernoulli(keys, 0.7, index=19),
        }
    ).with_columns(
        _digits(s.integers(keys, 0, 10_000, index=20), 4).alias("last4"),
        _digits(s.integers(keys, 0, 10_000, index=21), 4).alias("acctLast4"),
        _digits(_routing(s, keys), 9).alias("routing"),
        _digits(_zip(s, keys, c["city"]), 5).alias("zip"),
        _digits(s.integers(keys, 0, 100_000_000, index=23), 8).alias("policy"),
        _digits(s.integers(keys, 0, 1_000_000_000, index=24), 9).alias("member"),
        _digits(s.integers(keys, 0, 100_000, index=25), 5).alias("group"),
        _wallet_numbers(s, ck[row]).alias("walletNo"),
    )
    t = pl.col("type")
    card, bank, wallet, ins, gcash, maya = (
        (t == "CARD"),
        (t == "BANK_ACCOUNT"),
        (t == "DIGITAL_WALLET"),
        (t == "INSURANCE"),
        (t == "GCASH"),
        (t == "MAYA"),
    )
    out = raw.select(
        pl.Series("id", ctx.ids("PaymentMethod", keys)),
        "userId",
        "type",
        pl.when(card)
        .then(pl.format("{} ending {}", "brand", "last4"))
        .when(bank)
        .then(pl.format("{} {}", "bank", "acct"))
        .when(wallet)
        .then(pl.col("wallet"))
        .when(gcash)
        .then(pl.lit("GCash"))
        .when(maya)
        .then(pl.lit("Maya"))
        .otherwise(pl.format("{} plan", "insurer"))
        .alias("nickname"),
        "isDefault",
        pl.lit(True).alias("isActive"),
        pl.when(card).then("last4").alias("cardLast4"),
        pl.when(card).then("brand").alias("cardBrand"),
        pl.when(card).then("name").alias("cardholderName"),
        pl.when(card).then(pl.format("**** **** **** {}", "last4")).alias("cardNumber"),
        pl.when(card).then("expMonth").alias("expiryMonth"),
        pl.when(card).then("expYear").alias("expiryYear"),
        pl.when(card).then("cardType").alias("cardType"),
        pl.when(bank).then("bank").alias("bankName"),
        pl.when(bank).then("name").alias("accountHolderName"),
        pl.when(bank).then("acct").alias("accountType"),
        pl.when(bank).then("routing").alias("routingNumber"),
        pl.when(bank).then("acctLast4").alias("accountLast4"),
        pl.when(wallet).then("wallet").alias("walletProvider"),
        pl.when(wallet).then("email").alias("walletEmail"),
        pl.when(wallet).then("name").alias("walletAccountName"),
        pl.when(gcash).then("walletNo").alias("gcashNumber"),
        pl.when(gcash).then("name").alias("gcashName"),
        pl.when(gcash).then(pl.lit(True)).alias("isVerified"),
        pl.when(gcash).then("email").alias("gcashEmail"),
        pl.when(maya).then("walletNo").alias("mayaNumber"),
        pl.when(maya).then("name").alias("mayaName"),
        pl.when(maya).then(pl.lit(True)).alias("mayaVerified"),
        pl.when(maya).then("email").alias("mayaEmail"),
        pl.when(ins).then("insurer").alias("insuranceProviderName"),
        pl.when(ins).then(pl.format("POL-{}", "policy")).alias("policyNumber"),
        pl.when(ins).then(pl.format("MBR{}", "member")).alias("memberId"),
        pl.when(ins).then(pl.format("GRP-{}", "group")).alias("groupNumber"),
        pl.when(ins).then("verified").alias("insuranceVerified"),
        pl.when(ins)
        .then(
            json_object(
                "c",
                copay=pl.col("copay"),
                coinsurancePercent=pl.lit(20),
                deductible=pl.col("deductible"),
                inNetwork=pl.lit(True),
                sessionsPerYear=pl.col("sessions"),
            )
        )
        .alias("coverageDetails"),
        pl.when(card | bank)
        .then(
            json_object(
                "b",
                city=pl.col("city"),
                country=pl.lit("US"),
                line1=pl.format("{} {}", "house", "street"),
                postalCode=pl.col("zip"),
                state=pl.col("state"),
            )
        )
        .alias("billingAddress"),
        timestamps(created, "createdAt"),
    )
    return out


def _exp_end(year: pl.Expr, month: pl.Expr) -> pl.Expr:
    """When a card with this expiry stops being good (epoch ms, UTC): the first instant of
    the month after its expiry month (NULL when it has none)."""
    y, mo = year.cast(pl.Int32), month.cast(pl.Int32)
    return pl.date(y + mo // 12, mo % 12 + 1, 1).cast(pl.Datetime("ms")).dt.epoch("ms")


def _expiring_soon(ctx: Context, cards: pl.DataFrame, expired: pl.DataFrame) -> pl.DataFrame:
    """The card of ``cards`` (this run's methods) that expires in the anchor's month: the
    first fixture client's (in id order) CARD, not one that expired at a failure
    (``expired``), saved before the month's notice (CARD_NOTICE_AT on its first day, by the
    anchor); id, expiryYear, expiryMonth (none where no fixture client has one)."""
    if cards.is_empty():  # a re-run: this run made none
        return pl.DataFrame(schema={"id": pl.String, "soonYear": pl.Int32, "soonMonth": pl.Int32})
    gone = expired["methodId"] if expired.height else pl.Series("methodId", [], dtype=pl.String)
    month = int(_month_start(np.array([ctx.anchor_ms], dtype=np.int64))[0])
    year_month = ctx.config.anchor.year, ctx.config.anchor.month
    could = (
        cards.filter(
            (pl.col("type") == "CARD")
            & pl.col("userId").is_in(list(FIXTURE_CLIENTS))
            & (ms_of("createdAt") < month + CARD_NOTICE_AT)
            & (month + CARD_NOTICE_AT <= ctx.anchor_ms)
        )
        .filter(~pl.col("id").is_in(gone.implode()))
        .sort("userId", "createdAt", "id")
    )
    return could.head(1).select(
        "id",
        pl.lit(year_month[0], pl.Int32).alias("soonYear"),
        pl.lit(year_month[1], pl.Int32).alias("soonMonth"),
    )


def _month_start(at: I64) -> I64:
    """The first instant of the (UTC) month of each time ``at`` (epoch ms)."""
    month = at.astype("datetime64[ms]").astype("datetime64[M]")
    return np.asarray(month.astype("datetime64[ms]").astype(np.int64), dtype=np.int64)


def _session_methods(pm: pl.DataFrame) -> pl.DataFrame:
    """The methods (of ``pm``) a session can be paid with, active and not insurance:
    clientId, methodId, isDefault, mAt (when added, epoch ms), expEnd (a card's ``_exp_end``,
    NULL for others)."""
    return pm.filter(pl.col("isActive") & (pl.col("type") != "INSURANCE")).select(
        pl.col("userId").alias("clientId"),
        pl.col("id").alias("methodId"),
        "isDefault",
        pl.col("createdAt").dt.epoch("ms").alias("mAt"),
        "expEnd",
    )


def _usable(at: str) -> pl.Expr:
    """A method added by the time in column ``at`` and not expired by then."""
    return (pl.col("mAt") <= pl.col(at)) & (
        pl.col("expEnd").is_null() | (pl.col("expEnd") > pl.col(at))
    )


def _reasons(s: Stream, keys: U64, kinds: npt.NDArray[Any], index: int, again: int) -> pl.Series:
    """A failure reason per key from the pool of its method's type (``kinds``; a payment
    without a method fails at the provider); CARD_EXPIRED is drawn again (``again``) from the
    rest of the card's pool: the caller sets it only where the card had expired."""
    out = np.full(len(keys), "Processing error at the payment provider", dtype=object)
    for kind, pool in tx.FAILURE_REASONS_BY_TYPE.items():
        at = np.flatnonzero(kinds == kind)
        if len(at):
            out[at] = pick(s, keys[at], pool, index=index)
    redo = np.flatnonzero(out == tx.CARD_EXPIRED)
    rest = tuple(r for r in tx.FAILURE_REASONS if r != tx.CARD_EXPIRED)
    out[redo] = pick(s, keys[redo], rest, index=again)
    return pl.Series("failureReason", out, dtype=pl.String)


def _choose(
    m: pl.DataFrame, created: I64, other: npt.NDArray[np.bool_], pm: pl.DataFrame
) -> pl.Series:
    """The method each meeting of ``m`` (id, clientId) is paid with at ``created``: the
    client's default unless ``other``, else another it had by then; never an expired card."""
    cand = (
        pl.DataFrame({"pid": m["id"], "clientId": m["clientId"], "at": created, "other": other})
        .join(_session_methods(pm), on="clientId", how="inner")
        .filter(_usable("at"))
        .sort("pid", pl.col("isDefault") == pl.col("other"), "methodId")
        .unique("pid", keep="first", maintain_order=True)
        .select("pid", "methodId")
    )
    return m.select(pl.col("id").alias("pid")).join(
        cand, on="pid", how="left", maintain_order="left"
    )["methodId"]


def _expiring(ctx: Context, s: Stream, pay: pl.DataFrame, pm: pl.DataFrame) -> pl.DataFrame:
    """The cards that expire before a payment of ``pay`` (pid, key, clientId, methodId, at,
    status) is made with them, and that payment: pid, methodId, expEnd.

    A card can: one made in this run (``fresh``) whose client had another method by the
    month of the payment, good to the anchor, to pay with from then on; added before that
    month, and not used in it before (nor in the hour before it began: a double charge a
    moment after a payment would fall after it). Per card, its keyed first such payment;
    per client one card; and then ``CARD_EXPIRES`` of them. Not a fixture client's: the
    first one's card expires in the anchor's month (``_expiring_soon``), which one that
    expired on the way could not (medium once its sessions followed the pairs' ages:
    dev_client_1's only card failed "Card expired" in February, and no build notice said
    SUBSCRIPTION_EXPIRING).
    """
    a = ctx.anchor_ms
    q = pay.filter(pl.col("status") != "PENDING").join(
        pm.filter(
            pl.col("fresh")
            & (pl.col("type") == "CARD")
            & ~pl.col("userId").is_in(list(FIXTURE_CLIENTS))
        ).select(pl.col("id").alias("methodId"), ms_of("createdAt").alias("cardAt")),
        on="methodId",
    )
    q = q.with_columns(pl.Series("since", _month_start(q["at"].to_numpy()), dtype=pl.Int64))
    alt = _session_methods(pm).filter(pl.col("expEnd").is_null() | (pl.col("expEnd") > a))
    q = (
        q.filter(pl.col("cardAt") < pl.col("since"))
        .join(
            alt.select("clientId", pl.col("methodId").alias("alt"), pl.col("mAt").alias("altAt")),
            on="clientId",
        )
        .filter((pl.col("alt") != pl.col("methodId")) & (pl.col("altAt") < pl.col("since")))
        .select("pid", "key", "clientId", "methodId", "at", "since")
        .unique("pid")
    )
    before = (
        q.select("pid", "methodId", "at", "since")
        .join(
            pay.select(pl.col("pid").alias("was"), "methodId", pl.col("at").alias("wasAt")),
            on="methodId",
        )
        .filter(
            (pl.col("was") != pl.col("pid"))
            & (pl.col("wasAt") >= pl.col("since") - MS_PER_HOUR)
            & (pl.col("wasAt") <= pl.col("at"))
        )
    )
    q = q.join(before.select("pid").unique(), on="pid", how="anti").sort("pid")
    if q.is_empty():
        return pl.DataFrame(schema={"pid": pl.String, "methodId": pl.String, "expEnd": pl.Int64})
    q = q.with_columns(
        pl.Series("u", s.uniform(q["key"].to_numpy().astype(np.uint64), 14)),
        pl.Series("card", text_keys(q["methodId"])),
    )
    one = (
        q.sort("u", "pid")
        .unique("methodId", keep="first", maintain_order=True)
        .unique("clientId", keep="first", maintain_order=True)
    )
    one = one.filter(pl.Series(s.bernoulli(one["card"].to_numpy(), CARD_EXPIRES, index=15)))
    return one.select("pid", "methodId", pl.col("since").alias("expEnd")).sort("pid")


def payments(ctx: Context, frames: Frames, pm: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A payment for every COMPLETED meeting that has none, at hourlyRate x duration / 60,
    and a refunded second charge of some; and the cards that expired (methodId,
    expiryYear, expiryMonth)."""
    paid = frames["Payment"].select("meetingId").drop_nulls()
    m = (
        frames["Meeting"]
        .filter(pl.col("status") == "COMPLETED")
        .join(paid, left_on="id", right_on="meetingId", how="anti")
        .join(
            frames["Therapist"].select(pl.col("userId").alias("therapistId"), "hourlyRate"),
            on="therapistId",
            how="left",
        )
        .select("id", "clientId", "therapistId", "endTime", "duration", "hourlyRate")
        .sort("id")
    )
    if m.is_empty():
        return ctx.empty("Payment"), pl.DataFrame()
    keys = text_keys(m["id"])
    s = ctx.stream("Payment", "fields")
    a = ctx.anchor_ms
    end = m["endTime"].dt.epoch("ms").to_numpy()
    created = between(s, keys, end, np.minimum(end + 15 * MS_PER_MINUTE, a), index=0)
    u = s.uniform(keys, 1)
    status = np.where((u >= 0.92) & (u < 0.96), "FAILED", "COMPLETED")
    recent = end > a - 3 * MS_PER_DAY
    status = np.where(recent & s.bernoulli(keys, 0.25, index=2), "PENDING", status)
    # A session its client then rated 1-2 stars is mostly refunded, after the review.
    low = (
        frames["Review"]
        .filter(pl.col("rating") <= tx.LOW_STARS)
        .select("meetingId", "clientId", ms_of("createdAt").alias("reviewed"))
        .group_by("meetingId", "clientId")
        .agg(pl.col("reviewed").min())
    )
    reviewed = m.select("id", "clientId").join(
        low,
        left_on=["id", "clientId"],
        right_on=["meetingId", "clientId"],
        how="left",
        maintain_order="left",
    )["reviewed"]
    was = frames["Payment"]["status"].cast(pl.String)
    least = ctx.stream("Payment", "least")
    # A build with a recent session has a PENDING payment (MIN_PENDING): one of a session
    # not rated low first (its refund needs a settled payment).
    status = _least(
        least, m["id"], status, "PENDING", recent, reviewed.is_not_null().to_numpy(),
        MIN_PENDING - int((was == "PENDING").sum()), index=0,
    )  # fmt: skip
    done_at = np.minimum(created + s.integers(keys, 2_000, 30_000, index=3), a)
    # The method: the client's default 85 % of the time, else another it had by then.
    other = s.bernoulli(keys, 0.15, index=5)
    method = _choose(m, created, other, pm)
    # Some cards expire on the way: the first payment after fails, the next ones are made
    # with the client's other method.
    expiring = _expiring(
        ctx,
        s,
        pl.DataFrame(
            {
                "pid": m["id"],
                "key": keys,
                "clientId": m["clientId"],
                "methodId": method,
                "at": created,
                "status": status,
            }
        ),
        pm,
    )
    expired = m["id"].is_in(expiring["pid"].implode()).to_numpy()
    if expiring.height:
        pm = pm.join(
            expiring.select("methodId", pl.col("expEnd").alias("ends")),
            left_on="id",
            right_on="methodId",
            how="left",
            maintain_order="left",
        ).with_columns(pl.coalesce("ends", "expEnd").alias("expEnd"))
        method = pl.select(
            pl.when(pl.Series(expired)).then(method).otherwise(_choose(m, created, other, pm))
        ).to_series()
    status = np.where(expired, "FAILED", status)
    # A build with a settled session has a FAILED payment (MIN_FAILED): one not rated low
    # first (its refund needs a settled payment).
    status = _least(
        least, m["id"], status, "FAILED", status == "COMPLETED", reviewed.is_not_null().to_numpy(),
        MIN_FAILED - int((was == "FAILED").sum()), index=2,
    )  # fmt: skip
    refund_lo = np.maximum(reviewed.fill_null(a + 1).to_numpy(), done_at) + MS_PER_HOUR
    could = (status == "COMPLETED") & reviewed.is_not_null().to_numpy() & (refund_lo <= a)
    refunded = could & s.bernoulli(keys, REFUND_LOW_REVIEW, index=7)
    # A build where a session rated low could be refunded has a refund of one (MIN_REFUNDED).
    short = MIN_REFUNDED - int((was == "REFUNDED").sum())
    refunded = _least(least, m["id"], refunded, True, could, np.zeros_like(could), short, 1)
    refund_at = between(s, keys, refund_lo, np.minimum(refund_lo + REFUND_WITHIN, a), index=8)
    status = np.where(refunded, "REFUNDED", status)
    settled = (status == "COMPLETED") | refunded
    failed = status == "FAILED"
    updated = np.where(refunded, refund_at, np.where(settled | failed, done_at, created))
    kinds = (
        method.to_frame("id")
        .join(pm.select("id", "type"), on="id", how="left", maintain_order="left")["type"]
        .fill_null("")
        .to_numpy()
    )
    reason = _reasons(s, keys, kinds, index=6, again=9)
    first = pl.DataFrame(
        {
            "id": ctx.ids("Payment", keys),
            "amount": m.select(_fee(pl.col("hourlyRate"), pl.col("duration"))).to_series(),
            "currency": pl.repeat("USD", m.height, eager=True),
            "status": status,
            "clientId": m["clientId"],
            "therapistId": m["therapistId"],
            "meetingId": m["id"],
            "paymentMethodId": method,
            "processedAt": timestamps(np.where(settled, done_at, 0), "processedAt"),
            "failedAt": timestamps(np.where(failed, done_at, 0), "failedAt"),
            "failureReason": np.where(expired, tx.CARD_EXPIRED, reason.to_numpy()),
            "createdAt": timestamps(created, "createdAt"),
            "updatedAt": timestamps(updated, "updatedAt"),
        }
    ).with_columns(
        pl.when(pl.Series(settled)).then(pl.col("processedAt")).alias("processedAt"),
        pl.when(pl.Series(failed)).then(pl.col("failedAt")).alias("failedAt"),
        pl.when(pl.Series(failed)).then(pl.col("failureReason")).alias("failureReason"),
    )
    # A session that went through charged twice, a moment apart (a double submission); the
    # second charge is refunded soon after.
    dup = (
        (status == "COMPLETED")
        & (done_at + 2 * MS_PER_HOUR <= a)
        & s.bernoulli(keys, DUPLICATE_CHARGE, index=10)
    )
    dk = child_keys(keys, 2)[dup]  # attempt 2 of the meeting (1: a retry)
    d_at = created[dup] + s.integers(dk, *DUPLICATE_AFTER, index=11)
    d_done = d_at + s.integers(dk, 2_000, 30_000, index=12)
    d_refund = between(s, dk, d_done + MS_PER_HOUR, np.minimum(d_done + REFUND_WITHIN, a), 13)
    twice = first.filter(pl.Series(dup)).with_columns(
        pl.Series("id", ctx.ids("Payment", dk)),
        pl.lit("REFUNDED").alias("status"),
        timestamps(d_done, "processedAt"),
        timestamps(d_at, "createdAt"),
        timestamps(d_refund, "updatedAt"),
    )
    # Good through the month before the payment it failed.
    last = pl.col("expEnd").cast(pl.Datetime("ms")).dt.offset_by("-1mo")
    cards = expiring.select(
        "methodId",
        last.dt.year().alias("expiryYear"),
        last.dt.month().cast(pl.Int32).alias("expiryMonth"),
    )
    return pl.concat([first, twice]), cards


def retries(ctx: Context, frames: Frames, first: pl.DataFrame, pm: pl.DataFrame) -> pl.DataFrame:
    """A second payment for every FAILED payment that is the only one of its meeting.

    ``first``: the payments this run adds; ``pm``: every payment method (id, userId, type,
    isDefault, isActive, createdAt, expEnd). The retry is attempt 1 of the meeting (keyed by
    it). A card that had expired is not tried again: the retry is with another method, if
    any.
    """
    cols = ("id", "status", "clientId", "meetingId", "paymentMethodId", "failedAt")
    every = pl.concat(
        [ctx.frame("Payment", p).select(cols) for p in (frames["Payment"], first)]
    ).filter(pl.col("meetingId").is_not_null())
    once = every.group_by("meetingId").len().filter(pl.col("len") == 1).select("meetingId")
    failed = (
        every.filter((pl.col("status") == "FAILED") & pl.col("failedAt").is_not_null())
        .join(once, on="meetingId", how="semi")
        .join(
            pl.concat(
                [
                    ctx.frame("Payment", p).select("id", "amount", "currency", "therapistId")
                    for p in (frames["Payment"], first)
                ]
            ),
            on="id",
        )
        .sort("meetingId")
    )
    if failed.is_empty():
        return ctx.empty("Payment")
    keys = child_keys(text_keys(failed["meetingId"]), 1)
    s = ctx.stream("Payment", "retry")
    a = ctx.anchor_ms
    at_fail = failed["failedAt"].dt.epoch("ms").to_numpy()
    seen = seen_of(ctx, frames["User"], failed["clientId"])
    home = home_offset_of(ctx, failed["clientId"])
    # Only what a client does while it still comes is theirs (last seen bounds it).
    by_client = np.minimum(seen, a) - at_fail >= RETRY_MIN_SEEN
    client_at = waking_soon_after(
        s, keys, at_fail + MS_PER_MINUTE, np.minimum(seen, a), RETRY_MEAN, home, index=0
    )
    created = np.where(by_client, client_at, at_fail + AUTO_RETRY_AFTER)
    due = created <= a  # an automatic retry not yet due is not made
    ok = s.bernoulli(keys, RETRY_SUCCESS, index=1)
    done_at = np.minimum(created + s.integers(keys, 2_000, 30_000, index=2), a)
    r = failed.with_columns(
        pl.Series("key", keys),
        pl.Series("at", created),
        pl.Series("done", done_at),
        pl.Series("ok", ok),
        pl.Series("by_client", by_client),
    ).filter(pl.Series(due))
    if r.is_empty():
        return ctx.empty("Payment")
    # The client pays with another method it holds by then if it has one (the failed one
    # if not); the app retries the method on file. Never a card that had expired.
    cand = (
        r.select("id", "clientId", "at", "by_client", pl.col("paymentMethodId").alias("was"))
        .join(
            _session_methods(pm),
            on="clientId",
        )
        .filter(_usable("at"))
        .with_columns(
            later=(pl.col("methodId") == pl.col("was")).fill_null(False) == pl.col("by_client")
        )
        .sort("id", "later", pl.col("isDefault").not_(), "methodId")
        .unique("id", keep="first", maintain_order=True)
        .select("id", "methodId")
    )
    r = r.join(cand, on="id", how="inner", maintain_order="left")
    if r.is_empty():
        return ctx.empty("Payment")
    ok_s, done, rk = r["ok"].to_numpy(), r["done"].to_numpy(), r["key"].to_numpy()
    kinds = (
        r.select(pl.col("methodId").alias("id"))
        .join(pm.select("id", "type"), on="id", how="left", maintain_order="left")["type"]
        .fill_null("")
        .to_numpy()
    )
    return pl.DataFrame(
        {
            "id": ctx.ids("Payment", rk),
            "amount": r["amount"],
            "currency": r["currency"],
            "status": np.where(ok_s, "COMPLETED", "FAILED"),
            "clientId": r["clientId"],
            "therapistId": r["therapistId"],
            "meetingId": r["meetingId"],
            "paymentMethodId": r["methodId"],
            "processedAt": timestamps(done, "processedAt"),
            "failedAt": timestamps(done, "failedAt"),
            "failureReason": _reasons(s, rk, kinds, index=3, again=4),
            "createdAt": timestamps(r["at"].to_numpy(), "createdAt"),
            "updatedAt": timestamps(done, "updatedAt"),
        }
    ).with_columns(
        pl.when(pl.Series(ok_s)).then(pl.col("processedAt")).alias("processedAt"),
        pl.when(pl.Series(~ok_s)).then(pl.col("failedAt")).alias("failedAt"),
        pl.when(pl.Series(~ok_s)).then(pl.col("failureReason")).alias("failureReason"),
    )


def _method_rows(frame: pl.DataFrame, fresh: bool) -> pl.DataFrame:
    """What ``payments`` and ``retries`` need of payment methods (``_session_methods``, type,
    and whether this run made them)."""
    return frame.select(
        "id",
        "userId",
        "type",
        "isDefault",
        pl.col("isActive") if "isActive" in frame.columns else pl.lit(True).alias("isActive"),
        "createdAt",
        _exp_end(pl.col("expiryYear"), pl.col("expiryMonth")).alias("expEnd"),
        pl.lit(fresh).alias("fresh"),
    )


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    new_methods = methods(ctx, frames)
    all_methods = pl.concat(
        [_method_rows(frames["PaymentMethod"], False), _method_rows(new_methods, True)]
    )
    first, expired = payments(ctx, frames, all_methods)
    if expired.height:
        # A card that had expired at a failure: its expiry is the month before.
        set_to = {"expiryYear": "newYear", "expiryMonth": "newMonth"}
        new_methods = new_methods.join(
            expired.rename({"methodId": "id", **set_to}), on="id", how="left", maintain_order="left"
        ).select(
            pl.coalesce(pl.col(set_to[c]).cast(t), c).alias(c) if c in set_to else pl.col(c)
            for c, t in new_methods.schema.items()
        )
        all_methods = pl.concat(
            [_method_rows(frames["PaymentMethod"], False), _method_rows(new_methods, True)]
        )
    # A fixture client's card expires this month; it was good for every payment made so far
    # (all by the anchor, within the month), so only its expiry moves.
    soon = _expiring_soon(ctx, new_methods, expired)
    if soon.height:
        new_methods = new_methods.join(soon, on="id", how="left", maintain_order="left").select(
            pl.coalesce(pl.col(f"soon{c[6:]}").cast(t), c).alias(c)
            if c in ("expiryYear", "expiryMonth")
            else pl.col(c)
            for c, t in new_methods.schema.items()
        )
        all_methods = pl.concat(
            [_method_rows(frames["PaymentMethod"], False), _method_rows(new_methods, True)]
        )
    # Conformed to the model first: an empty part has the model's dtypes, a built one numpy's.
    pay = pl.concat(
        [ctx.frame("Payment", p) for p in (first, retries(ctx, frames, first, all_methods))]
    )
    last = pay.group_by("paymentMethodId").agg(pl.col("createdAt").max().alias("lastUsed"))
    new_methods = new_methods.join(
        last, left_on="id", right_on="paymentMethodId", how="left"
    ).with_columns(pl.max_horizontal("createdAt", "lastUsed").alias("updatedAt"))
    return {"PaymentMethod": new_methods, "Payment": pay}
