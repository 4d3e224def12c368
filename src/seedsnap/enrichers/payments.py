"""Payments: a payment method or two per client, and a payment per completed session.

Upstream's payments enricher was a placeholder and both tables stayed empty (seeder.md §7
row 19, §11.17). Here:
- every client without a payment method gets one or two (one default), added at sign-up and
  later, in the client's waking hours and before it was last seen (``users.last_seen``):
  cards (brand, last four, expiry in the future, masked number), bank accounts (with a
  routing number that passes the ABA checksum), wallets, and as a second method sometimes an
  insurance plan (never used to pay a session); a card's or account's billing address is the
  client's home: its city (``Client.city``), the state of its home (``users.home_province``,
  whose time zone the client's acts follow) and a ZIP code of that city;
- every COMPLETED meeting without a payment is billed pro rata of the therapist's hourlyRate
  (hourlyRate x duration / 60, to the cent, halves up) to its client, just after the session
  (upstream would have charged an hour for a 30-minute check-in): about 92 %
  COMPLETED, 4 % FAILED (with a reason), 3 % REFUNDED, and PENDING only for sessions of the
  last three days; paid with the client's default method mostly, else another method the
  client had by then;
- a FAILED session payment is tried again, once: the schema allows several payments per
  meeting (``Payment.meetingId`` is only indexed, not unique), and the app tells the client
  (a PAYMENT_FAILED notification, the notifications enricher). A client still seen after
  the failure retries it on their waking clock, soon after (``RETRY_MEAN``), with another
  method they hold if they have one; otherwise the app retries the method on file
  ``AUTO_RETRY_AFTER`` later (a client who stopped coming does not act, ``users.last_seen``).
  A retry mostly succeeds (``RETRY_SUCCESS``); one that fails is not tried again, so only a
  meeting's first payment is ever retried and a re-run adds nothing;
- a method's lastUsed is its latest payment.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, Context, Frames, timestamps
from seedsnap.generators import therapy_text as tx
from seedsnap.generators import vocab as v
from seedsnap.generators.clock import waking_between, waking_soon_after
from seedsnap.generators.common import between, json_object, pick, text_keys
from seedsnap.generators.users import home_offset_of, home_province, seen_of
from seedsnap.random import I64, U64, Stream, child_keys, expand, name_key

READS = ("User", "Client", "Therapist", "Meeting", "PaymentMethod", "Payment")
WRITES = ("PaymentMethod", "Payment")
SALT = name_key("enrich", "payment-methods")

FIRST_TYPES = ("CARD", "BANK_ACCOUNT", "DIGITAL_WALLET")
FIRST_P = (0.75, 0.15, 0.10)
SECOND_TYPES = ("CARD", "BANK_ACCOUNT", "DIGITAL_WALLET", "INSURANCE")
SECOND_P = (0.5, 0.2, 0.15, 0.15)
# Retrying a failed session payment (``retries``).
RETRY_SUCCESS = 0.88  # an assumption: most failures are an expired card or a bank hold
RETRY_MEAN = 6 * MS_PER_HOUR  # waking time before a client still coming pays again
RETRY_MIN_SEEN = 10 * MS_PER_MINUTE  # seen at least this long after the failure to retry it
AUTO_RETRY_AFTER = 3 * MS_PER_DAY  # when the app retries the method on file itself


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
    name = c["firstName"] + " " + c["lastName"]
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
            "state": np.asarray(v.PROVINCE_CODE)[home_province(ctx, c["userId"])],
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
    )
    t = pl.col("type")
    card, bank, wallet, ins = (
        (t == "CARD"),
        (t == "BANK_ACCOUNT"),
        (t == "DIGITAL_WALLET"),
        (t == "INSURANCE"),
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
        pl.when(~ins).then(pl.lit(True)).alias("isVerified"),
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


def _session_methods(pm: pl.DataFrame) -> pl.DataFrame:
    """The methods (of ``pm``) a session can be paid with, active and not insurance:
    clientId, methodId, isDefault, mAt (when added, epoch ms)."""
    return pm.filter(pl.col("isActive") & (pl.col("type") != "INSURANCE")).select(
        pl.col("userId").alias("clientId"),
        pl.col("id").alias("methodId"),
        "isDefault",
        pl.col("createdAt").dt.epoch("ms").alias("mAt"),
    )


def payments(ctx: Context, frames: Frames, pm: pl.DataFrame) -> pl.DataFrame:
    """A payment for every COMPLETED meeting that has none, at hourlyRate x duration / 60."""
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
        return ctx.empty("Payment")
    keys = text_keys(m["id"])
    s = ctx.stream("Payment", "fields")
    a = ctx.anchor_ms
    end = m["endTime"].dt.epoch("ms").to_numpy()
    created = between(s, keys, end, np.minimum(end + 15 * MS_PER_MINUTE, a), index=0)
    u = s.uniform(keys, 1)
    status = np.where(
        u < 0.92,
        "COMPLETED",
        np.where(u < 0.96, "FAILED", np.where(u < 0.99, "REFUNDED", "COMPLETED")),
    )
    recent = end > a - 3 * MS_PER_DAY
    status = np.where(recent & s.bernoulli(keys, 0.25, index=2), "PENDING", status)
    done_at = np.minimum(created + s.integers(keys, 2_000, 30_000, index=3), a)
    refunded = status == "REFUNDED"
    refund_at = between(s, keys, done_at, np.minimum(done_at + 14 * MS_PER_DAY, a), index=4)
    settled = (status == "COMPLETED") | refunded
    failed = status == "FAILED"
    updated = np.where(refunded, refund_at, np.where(settled | failed, done_at, created))
    # The method: the client's default 85 % of the time, else another it had by then.
    other = s.bernoulli(keys, 0.15, index=5)
    cand = (
        pl.DataFrame({"pid": m["id"], "clientId": m["clientId"], "at": created, "other": other})
        .join(
            _session_methods(pm),
            on="clientId",
            how="inner",
        )
        .filter(pl.col("mAt") <= pl.col("at"))
        .sort("pid", pl.col("isDefault") == pl.col("other"), "methodId")
        .unique("pid", keep="first", maintain_order=True)
        .select("pid", "methodId")
    )
    method = m.select(pl.col("id").alias("pid")).join(
        cand, on="pid", how="left", maintain_order="left"
    )["methodId"]
    return pl.DataFrame(
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
            "failureReason": pick(s, keys, tx.FAILURE_REASONS, index=6).astype(str),
            "createdAt": timestamps(created, "createdAt"),
            "updatedAt": timestamps(updated, "updatedAt"),
        }
    ).with_columns(
        pl.when(pl.Series(settled)).then(pl.col("processedAt")).alias("processedAt"),
        pl.when(pl.Series(failed)).then(pl.col("failedAt")).alias("failedAt"),
        pl.when(pl.Series(failed)).then(pl.col("failureReason")).alias("failureReason"),
    )


def retries(ctx: Context, frames: Frames, first: pl.DataFrame, pm: pl.DataFrame) -> pl.DataFrame:
    """A second payment for every FAILED payment that is the only one of its meeting.

    ``first``: the payments this run adds; ``pm``: every payment method (id, userId, type,
    isDefault, isActive, createdAt). The retry is attempt 1 of the meeting (keyed by it).
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
    # if not); the app retries the method on file.
    cand = (
        r.select("id", "clientId", "at", "by_client", pl.col("paymentMethodId").alias("was"))
        .join(
            _session_methods(pm),
            on="clientId",
        )
        .filter(pl.col("mAt") <= pl.col("at"))
        .with_columns(
            later=(pl.col("methodId") == pl.col("was")).fill_null(False) == pl.col("by_client")
        )
        .sort("id", "later", pl.col("isDefault").not_(), "methodId")
        .unique("id", keep="first", maintain_order=True)
        .select("id", "methodId")
    )
    r = r.join(cand, on="id", how="left", maintain_order="left")
    ok_s, done, rk = r["ok"].to_numpy(), r["done"].to_numpy(), r["key"].to_numpy()
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
            "failureReason": pick(s, rk, tx.FAILURE_REASONS, index=3).astype(str),
            "createdAt": timestamps(r["at"].to_numpy(), "createdAt"),
            "updatedAt": timestamps(done, "updatedAt"),
        }
    ).with_columns(
        pl.when(pl.Series(ok_s)).then(pl.col("processedAt")).alias("processedAt"),
        pl.when(pl.Series(~ok_s)).then(pl.col("failedAt")).alias("failedAt"),
        pl.when(pl.Series(~ok_s)).then(pl.col("failureReason")).alias("failureReason"),
    )


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    new_methods = methods(ctx, frames)
    all_methods = pl.concat(
        [
            frames["PaymentMethod"].select(
                "id", "userId", "type", "isDefault", "isActive", "createdAt"
            ),
            new_methods.select(
                "id", "userId", "type", "isDefault", pl.lit(True).alias("isActive"), "createdAt"
            ),
        ]
    )
    first = payments(ctx, frames, all_methods)
    # Conformed to the model first: an empty part has the model's dtypes, a built one numpy's.
    pay = pl.concat(
        [ctx.frame("Payment", p) for p in (first, retries(ctx, frames, first, all_methods))]
    )
    last = pay.group_by("paymentMethodId").agg(pl.col("createdAt").max().alias("lastUsed"))
    new_methods = new_methods.join(
        last, left_on="id", right_on="paymentMethodId", how="left"
    ).with_columns(pl.max_horizontal("createdAt", "lastUsed").alias("updatedAt"))
    return {"PaymentMethod": new_methods, "Payment": pay}
