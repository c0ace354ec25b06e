"""Every Larkline Air tool: its success path and its refusals, on a fresh in-memory copy.

Scenarios are looked up in the seed data by their properties (never by hard-coded ids),
so the tests keep working if the generator changes. A refused write must leave the
database exactly as it was (same canonical state hash as the seed).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from tautrait.domain.loader import load_domain
from tautrait.domain.tasks import available_splits, load_tasks
from tests.domains.calls import ok, refused, rows, unchanged
from tests.domains.grading import check_typed_variants_reach_gold
from tests.domains.seeds import AirlineSeed, airline_env, person
from tests.domains.seeds import flight_ref as ref

DOMAIN = load_domain("airline")
SPLITS = [t for s in available_splits("airline") for t in load_tasks("airline", s).tasks]
TABLES = DOMAIN.spec.metadata.tables
NOW = DOMAIN.spec.now
TODAY = NOW.date()

Row = dict[str, Any]


# ----------------------------------------------------------------------------- helpers


fresh = airline_env
SEED = AirlineSeed()


def recent_reservation(cabin: str | None = None) -> Row:
    """Booked less than 24 hours ago, still open, paid by a valid card."""
    return SEED.find(
        lambda r: (
            SEED.open(r)
            and NOW - r["created_at"] < timedelta(hours=20)
            and (cabin is None or r["cabin"] == cabin)
            and SEED.card(r["user_id"]) is not None
        )
    )


def old_reservation(cabin: str, **extra: Any) -> Row:
    """Booked days ago, still open, uninsured, with a valid card on the account."""
    return SEED.find(
        lambda r: (
            SEED.open(r)
            and r["cabin"] == cabin
            and not r["insurance"]
            and NOW - r["created_at"] > timedelta(days=3)
            and SEED.card(r["user_id"]) is not None
            and all(r[k] == v for k, v in extra.items())
        )
    )


# ----------------------------------------------------------------------------- identity


def test_authenticate_customer_by_email_and_member_number() -> None:
    env = fresh()
    user = SEED.find_user(lambda u: True)
    dob = user["date_of_birth"].isoformat()
    by_email = ok(env, "authenticate_customer", identifier=user["email"].upper(), date_of_birth=dob)
    by_id = ok(env, "authenticate_customer", identifier=user["user_id"].lower(), date_of_birth=dob)
    assert by_email["user_id"] == by_id["user_id"] == user["user_id"]
    assert by_email["verified"] is True and by_email["tier"] == user["tier"]


def test_authenticate_customer_refusals() -> None:
    env = fresh()
    user = SEED.find_user(lambda u: True)
    wrong = (user["date_of_birth"] + timedelta(days=1)).isoformat()
    message = refused(env, "authenticate_customer", identifier=user["user_id"], date_of_birth=wrong)
    assert "not verified" in message
    refused(env, "authenticate_customer", identifier="SL000000", date_of_birth="1990-01-01")
    refused(
        env, "authenticate_customer", identifier="nobody@nowhere.net", date_of_birth="1990-01-01"
    )
    refused(env, "authenticate_customer", identifier=user["user_id"], date_of_birth="09/03/1984")


# ----------------------------------------------------------------------------- reads


def test_get_user_details() -> None:
    env = fresh()
    user = SEED.find_user(lambda u: len(SEED.methods[u["user_id"]]) >= 2)
    data = ok(env, "get_user_details", user_id=user["user_id"])
    assert data["tier"] == user["tier"]
    assert {m["payment_id"] for m in data["payment_methods"]} == {
        m["payment_id"] for m in SEED.methods[user["user_id"]]
    }
    mine = {
        r["reservation_id"] for r in SEED.reservations.values() if r["user_id"] == user["user_id"]
    }
    assert {r["reservation_id"] for r in data["reservations"]} == mine
    assert "Error" in refused(env, "get_user_details", user_id="SL000001")


def test_get_reservation_details() -> None:
    env = fresh()
    res = old_reservation("economy")
    data = ok(env, "get_reservation_details", reservation_id=res["reservation_id"].lower())
    assert data["reservation_id"] == res["reservation_id"]
    assert len(data["passengers"]) == SEED.pax(res)
    assert [f["flight_number"] for f in data["flights"]] == [
        f["flight_number"] for f in SEED.flights_of(res)
    ]
    expected_fare = round(
        sum(s["fare"] for s in SEED.segments[res["reservation_id"]]) * SEED.pax(res), 2
    )
    assert data["fare_total"] == expected_fare
    refused(env, "get_reservation_details", reservation_id="ZZZZZZ")


def test_list_airports() -> None:
    env = fresh()
    data = ok(env, "list_airports")
    assert len(data) >= 15
    assert {a["code"] for a in data if a["is_hub"]} == {"PAV", "KSN"}


def test_search_direct_flights() -> None:
    env = fresh()
    day = (TODAY + timedelta(days=5)).isoformat()
    data = ok(env, "search_direct_flights", origin="pav", destination="KSN", date=day)
    assert data and all(f["origin"] == "PAV" and f["destination"] == "KSN" for f in data)
    assert [f["scheduled_departure"] for f in data] == sorted(
        f["scheduled_departure"] for f in data
    )
    assert set(data[0]["prices"]) == {"basic_economy", "economy", "business"}
    assert "unknown airport" in refused(
        env, "search_direct_flights", origin="XXX", destination="KSN", date=day
    )
    refused(env, "search_direct_flights", origin="PAV", destination="PAV", date=day)
    refused(env, "search_direct_flights", origin="PAV", destination="KSN", date="next tuesday")


def test_search_onestop_flights() -> None:
    env = fresh()
    day = (TODAY + timedelta(days=5)).isoformat()
    data = ok(env, "search_onestop_flights", origin="MRB", destination="KSN", date=day)
    assert data
    for journey in data:
        first, second = journey["flights"]
        assert first["origin"] == "MRB" and second["destination"] == "KSN"
        assert first["destination"] == second["origin"] == journey["connection_airport"]
        assert 45 <= journey["connection_minutes"] <= 360
        assert journey["total_prices"]["economy"] == round(
            first["prices"]["economy"] + second["prices"]["economy"], 2
        )
    refused(env, "search_onestop_flights", origin="MRB", destination="QQQ", date=day)


def test_get_flight_status() -> None:
    env = fresh()
    late = next(f for f in SEED.flights.values() if f["status"] == "delayed")
    data = ok(
        env,
        "get_flight_status",
        flight_number=late["flight_number"].lower(),
        date=late["flight_date"].isoformat(),
    )
    assert data["status"] == "delayed"
    expected = late["departure"] + timedelta(minutes=late["delay_minutes"])
    assert data["expected_departure"] == expected.isoformat(timespec="minutes")
    assert "no flight number" in refused(
        env, "get_flight_status", flight_number="LK999", date=TODAY.isoformat()
    )
    off = date(2026, 1, 1).isoformat()
    assert "does not operate" in refused(
        env, "get_flight_status", flight_number=late["flight_number"], date=off
    )


# ----------------------------------------------------------------------------- booking


def test_book_reservation_with_certificate_and_card() -> None:
    env = fresh()
    user = SEED.find_user(
        lambda u: (
            SEED.card(u["user_id"]) is not None
            and any(
                m["kind"] == "travel_certificate" and m["expires_on"] >= TODAY and m["balance"] > 20
                for m in SEED.methods[u["user_id"]]
            )
        )
    )
    card = SEED.card(user["user_id"])
    assert card is not None
    cert = next(
        m
        for m in SEED.methods[user["user_id"]]
        if m["kind"] == "travel_certificate" and m["expires_on"] >= TODAY and m["balance"] > 20
    )
    out = SEED.bookable("PAV", "KSN", "economy", 2)
    back = SEED.bookable("KSN", "PAV", "economy", 2)
    if back["departure"] <= out["arrival"]:
        back = min(
            (
                f
                for f in SEED.flights.values()
                if f["origin"] == "KSN"
                and f["destination"] == "PAV"
                and f["status"] == "scheduled"
                and f["departure"] > out["arrival"] + timedelta(hours=1)
                and f["seats_economy"] >= 2
            ),
            key=lambda f: f["departure"],
        )
    companion = {"first_name": "Ama", "last_name": "Boateng", "date_of_birth": "1990-06-01"}
    free = {"none": 1, "silver": 1, "gold": 2, "platinum": 3}[user["tier"]] * 2
    data = ok(
        env,
        "book_reservation",
        user_id=user["user_id"],
        outbound_flights=[ref(out)],
        return_flights=[ref(back)],
        cabin="economy",
        passengers=[person(user), companion],
        payment_id=card["payment_id"],
        certificate_id=cert["payment_id"],
        checked_bags=free + 1,
        insurance=True,
    )
    fares = round((out["price_economy"] + back["price_economy"]) * 2, 2)
    assert data["fare_component"] == fares
    assert data["insurance_component"] == 60.0 and data["bag_fee_component"] == 40.0
    assert data["total"] == round(fares + 100.0, 2)
    rid = data["reservation_id"]
    assert rows(env, "reservations", reservation_id=rid)[0]["trip_type"] == "round_trip"
    assert len(rows(env, "passengers", reservation_id=rid)) == 2
    assert len(rows(env, "segments", reservation_id=rid)) == 2
    charged = {p["payment_id"]: p["amount"] for p in rows(env, "payments", reservation_id=rid)}
    used = min(cert["balance"], data["total"])
    assert charged[cert["payment_id"]] == round(used, 2)
    assert round(sum(charged.values()), 2) == data["total"]
    after = rows(env, "payment_methods", payment_id=cert["payment_id"])[0]
    assert after["balance"] == round(cert["balance"] - used, 2)
    assert (
        rows(env, "flights", flight_id=out["flight_id"])[0]["seats_economy"]
        == out["seats_economy"] - 2
    )


def test_book_reservation_refusals_change_nothing() -> None:
    env = fresh()
    user = SEED.find_user(
        lambda u: (
            SEED.card(u["user_id"]) is not None and SEED.card(u["user_id"], valid=False) is not None
        )
    )
    card = SEED.card(user["user_id"])
    expired = SEED.card(user["user_id"], valid=False)
    assert card is not None and expired is not None
    other_card = next(
        m for uid, ms in sorted(SEED.methods.items()) if uid != user["user_id"] for m in ms
    )
    flight = SEED.bookable("PAV", "KSN", "economy", 1)
    base = {
        "user_id": user["user_id"],
        "outbound_flights": [ref(flight)],
        "cabin": "economy",
        "passengers": [person(user)],
        "payment_id": card["payment_id"],
    }

    def attempt(**changes: Any) -> str:
        return refused(env, "book_reservation", **{**base, **changes})

    cancelled = next(
        f for f in SEED.flights.values() if f["status"] == "cancelled" and f["departure"] > NOW
    )
    assert "cancelled" in attempt(outbound_flights=[ref(cancelled)])
    soon = next(
        f
        for f in SEED.flights.values()
        if f["status"] == "scheduled" and timedelta(0) < f["departure"] - NOW < timedelta(hours=2)
    )
    assert "2 hours" in attempt(outbound_flights=[ref(soon)])
    full = next(
        f
        for f in SEED.flights.values()
        if f["status"] == "scheduled"
        and f["departure"] > NOW + timedelta(days=2)
        and f["seats_business"] == 0
    )
    assert "seat" in attempt(outbound_flights=[ref(full)], cabin="business")
    assert "1 to 6" in attempt(passengers=[person(user)] * 7)
    assert "not on file" in attempt(payment_id=other_card["payment_id"])
    assert "expired" in attempt(payment_id=expired["payment_id"])
    assert "checked_bags" in attempt(checked_bags=5)
    assert "no account" in attempt(user_id="SL000000")
    assert "future" in attempt(passengers=[{**person(user), "date_of_birth": "2030-01-01"}])
    mrb = SEED.bookable("MRB", "PAV", "economy", 1)
    assert "must go from" in attempt(outbound_flights=[ref(mrb)], return_flights=[ref(mrb)])
    assert unchanged(env)


def test_book_reservation_gift_card_must_cover() -> None:
    env = fresh()
    user = SEED.find_user(
        lambda u: any(
            m["kind"] == "gift_card" and m["balance"] < 100 for m in SEED.methods[u["user_id"]]
        )
    )
    gift = next(m for m in SEED.methods[user["user_id"]] if m["kind"] == "gift_card")
    flight = SEED.bookable("PAV", "KSN", "business", 1)
    message = refused(
        env,
        "book_reservation",
        user_id=user["user_id"],
        outbound_flights=[ref(flight)],
        cabin="business",
        passengers=[person(user)],
        payment_id=gift["payment_id"],
    )
    assert "balance" in message
    assert unchanged(env)


# ----------------------------------------------------------------------------- cancellation


def test_cancel_reservation_within_24h_refunds_every_payment() -> None:
    env = fresh()
    res = recent_reservation()
    rid = res["reservation_id"]
    paid = rows(env, "payments", reservation_id=rid)
    data = ok(
        env,
        "cancel_reservation",
        reservation_id=rid,
        reason="change of plans",
        refund_to="original_payment",
    )
    assert data["status"] == "cancelled"
    assert data["refund_total"] == round(sum(p["amount"] for p in paid if p["kind"] == "charge"), 2)
    refunds = [p for p in rows(env, "payments", reservation_id=rid) if p["kind"] == "refund"]
    assert sorted((p["payment_id"], p["amount"]) for p in refunds) == sorted(
        (p["payment_id"], p["amount"]) for p in paid
    )
    first = SEED.flights_of(res)[0]
    seats = rows(env, "flights", flight_id=first["flight_id"])[0][f"seats_{res['cabin']}"]
    assert seats == first[f"seats_{res['cabin']}"] + SEED.pax(res)


def test_cancel_reservation_for_certificate() -> None:
    env = fresh()
    res = old_reservation("economy")
    data = ok(
        env,
        "cancel_reservation",
        reservation_id=res["reservation_id"],
        reason="other",
        refund_to="travel_certificate",
    )
    fares = sum(s["fare"] for s in SEED.segments[res["reservation_id"]]) * SEED.pax(res)
    expected = round(max(0.0, fares - 75.0 * SEED.pax(res)), 2)
    assert data["certificate"]["amount"] == expected
    cert = rows(env, "payment_methods", payment_id=data["certificate"]["certificate_id"])[0]
    assert cert["user_id"] == res["user_id"] and cert["balance"] == expected
    assert cert["expires_on"] == (NOW + timedelta(days=365)).date()
    assert not [
        p
        for p in rows(env, "payments", reservation_id=res["reservation_id"])
        if p["kind"] == "refund"
    ]


def test_cancel_reservation_refusals_change_nothing() -> None:
    env = fresh()
    late = old_reservation("economy")
    assert "does not qualify" in refused(
        env,
        "cancel_reservation",
        reservation_id=late["reservation_id"],
        reason="change of plans",
        refund_to="original_payment",
    )
    basic = old_reservation("basic_economy")
    assert "basic economy" in refused(
        env,
        "cancel_reservation",
        reservation_id=basic["reservation_id"],
        reason="change of plans",
        refund_to="travel_certificate",
    )
    recent = recent_reservation()
    assert "qualifies for a full refund" in refused(
        env,
        "cancel_reservation",
        reservation_id=recent["reservation_id"],
        reason="change of plans",
        refund_to="travel_certificate",
    )
    gone = SEED.find(lambda r: r["status"] == "cancelled")
    assert "cancelled" in refused(
        env,
        "cancel_reservation",
        reservation_id=gone["reservation_id"],
        reason="other",
        refund_to="original_payment",
    )
    flown = SEED.find(
        lambda r: r["status"] == "active" and any(SEED.departed(f) for f in SEED.flights_of(r))
    )
    assert "departed" in refused(
        env,
        "cancel_reservation",
        reservation_id=flown["reservation_id"],
        reason="other",
        refund_to="original_payment",
    )
    refused(
        env,
        "cancel_reservation",
        reservation_id="ZZZZZZ",
        reason="other",
        refund_to="original_payment",
    )
    refused(
        env,
        "cancel_reservation",
        reservation_id=late["reservation_id"],
        reason="bored",
        refund_to="original_payment",
    )
    assert unchanged(env)


# ----------------------------------------------------------------------------- changes


def later_same_flight(res: Row, days: int) -> Row | None:
    f = SEED.flights_of(res)[0]
    day = f["flight_date"] + timedelta(days=days)
    for g in SEED.flights.values():
        if g["flight_number"] == f["flight_number"] and g["flight_date"] == day:
            ok_ = g["status"] == "scheduled" and g[f"seats_{res['cabin']}"] >= SEED.pax(res)
            return g if ok_ else None
    return None


def test_change_flights_charges_fare_increase_and_fee() -> None:
    env = fresh()
    res = SEED.find(
        lambda r: (
            SEED.open(r)
            and r["cabin"] == "economy"
            and r["trip_type"] == "one_way"
            and len(SEED.segments[r["reservation_id"]]) == 1
            and SEED.users[r["user_id"]]["tier"] == "none"
            and SEED.card(r["user_id"]) is not None
            and later_same_flight(r, 1) is not None
        )
    )
    new = later_same_flight(res, 1)
    assert new is not None
    card = SEED.card(res["user_id"])
    assert card is not None
    old_fare = SEED.segments[res["reservation_id"]][0]["fare"]
    n = SEED.pax(res)
    data = ok(
        env,
        "change_flights",
        reservation_id=res["reservation_id"],
        outbound_flights=[ref(new)],
        payment_id=card["payment_id"],
    )
    difference = round((new["price_economy"] - old_fare) * n, 2)
    assert data["fare_difference"] == difference
    assert data["change_fee"] == 60.0 * n
    assert data["amount_charged"] == round(max(0.0, difference) + 60.0 * n, 2)
    segs = rows(env, "segments", reservation_id=res["reservation_id"])
    assert [s["flight_id"] for s in segs] == [new["flight_id"]]
    old = SEED.flights_of(res)[0]
    assert (
        rows(env, "flights", flight_id=old["flight_id"])[0]["seats_economy"]
        == old["seats_economy"] + n
    )
    assert (
        rows(env, "flights", flight_id=new["flight_id"])[0]["seats_economy"]
        == new["seats_economy"] - n
    )


def test_change_flights_refusals_change_nothing() -> None:
    env = fresh()
    basic = old_reservation("basic_economy")
    card = SEED.card(basic["user_id"])
    assert card is not None
    assert "basic economy" in refused(
        env,
        "change_flights",
        reservation_id=basic["reservation_id"],
        outbound_flights=[ref(f) for f in SEED.flights_of(basic)],
        payment_id=card["payment_id"],
    )
    res = old_reservation("economy", trip_type="one_way")
    card = SEED.card(res["user_id"])
    assert card is not None
    current = [ref(f) for f in SEED.flights_of(res)]
    assert "same as the current" in refused(
        env,
        "change_flights",
        reservation_id=res["reservation_id"],
        outbound_flights=current,
        payment_id=card["payment_id"],
    )
    elsewhere = next(
        f
        for f in SEED.flights.values()
        if f["origin"] != res["origin"]
        and f["status"] == "scheduled"
        and f["departure"] > NOW + timedelta(days=2)
    )
    assert "must go from" in refused(
        env,
        "change_flights",
        reservation_id=res["reservation_id"],
        outbound_flights=[ref(elsewhere)],
        payment_id=card["payment_id"],
    )
    round_trip = old_reservation("economy", trip_type="round_trip")
    rcard = SEED.card(round_trip["user_id"])
    assert rcard is not None
    outbound = [
        ref(f)
        for s, f in zip(
            SEED.segments[round_trip["reservation_id"]], SEED.flights_of(round_trip), strict=True
        )
        if s["direction"] == "outbound"
    ]
    assert "round trip" in refused(
        env,
        "change_flights",
        reservation_id=round_trip["reservation_id"],
        outbound_flights=outbound,
        payment_id=rcard["payment_id"],
    )
    cert_owner = SEED.find(
        lambda r: (
            SEED.open(r)
            and r["cabin"] == "economy"
            and later_same_flight(r, 1) is not None
            and len(SEED.segments[r["reservation_id"]]) == 1
            and any(m["kind"] == "travel_certificate" for m in SEED.methods[r["user_id"]])
        )
    )
    cert = next(m for m in SEED.methods[cert_owner["user_id"]] if m["kind"] == "travel_certificate")
    new = later_same_flight(cert_owner, 1)
    assert new is not None
    assert "travel certificate" in refused(
        env,
        "change_flights",
        reservation_id=cert_owner["reservation_id"],
        outbound_flights=[ref(new)],
        payment_id=cert["payment_id"],
    )
    assert unchanged(env)


def test_change_cabin_upgrade_and_downgrade() -> None:
    env = fresh()
    res = SEED.find(
        lambda r: (
            SEED.open(r)
            and r["cabin"] == "economy"
            and all(f["seats_business"] >= SEED.pax(r) for f in SEED.flights_of(r))
            and SEED.card(r["user_id"]) is not None
        )
    )
    card = SEED.card(res["user_id"])
    assert card is not None
    n = SEED.pax(res)
    up = ok(
        env,
        "change_cabin",
        reservation_id=res["reservation_id"],
        cabin="business",
        payment_id=card["payment_id"],
    )
    expected = round(
        sum(
            f["price_business"] - s["fare"]
            for f, s in zip(SEED.flights_of(res), SEED.segments[res["reservation_id"]], strict=True)
        )
        * n,
        2,
    )
    assert up["cabin_difference"] == expected and up["cabin"] == "business"
    charge = [
        p
        for p in rows(env, "payments", reservation_id=res["reservation_id"])
        if p["purpose"] == "cabin_change"
    ]
    assert charge[0]["kind"] == "charge" and charge[0]["amount"] == expected
    down = ok(
        env,
        "change_cabin",
        reservation_id=res["reservation_id"],
        cabin="economy",
        payment_id=card["payment_id"],
    )
    back = round(sum(f["price_economy"] - f["price_business"] for f in SEED.flights_of(res)) * n, 2)
    assert down["cabin_difference"] == back < 0
    refund = [
        p
        for p in rows(env, "payments", reservation_id=res["reservation_id"])
        if p["kind"] == "refund"
    ]
    assert refund[0]["amount"] == -back
    seg = rows(env, "segments", reservation_id=res["reservation_id"])[0]
    assert seg["fare"] == SEED.flights_of(res)[0]["price_economy"]


def test_change_cabin_refusals_change_nothing() -> None:
    env = fresh()
    res = old_reservation("economy")
    card = SEED.card(res["user_id"])
    assert card is not None
    assert "already in economy" in refused(
        env,
        "change_cabin",
        reservation_id=res["reservation_id"],
        cabin="economy",
        payment_id=card["payment_id"],
    )
    assert "invalid arguments" in refused(
        env,
        "change_cabin",
        reservation_id=res["reservation_id"],
        cabin="basic_economy",
        payment_id=card["payment_id"],
    )
    sold_out = SEED.find(
        lambda r: (
            SEED.open(r)
            and r["cabin"] == "economy"
            and any(f["seats_business"] < SEED.pax(r) for f in SEED.flights_of(r))
            and SEED.card(r["user_id"]) is not None
        )
    )
    scard = SEED.card(sold_out["user_id"])
    assert scard is not None
    assert "seat" in refused(
        env,
        "change_cabin",
        reservation_id=sold_out["reservation_id"],
        cabin="business",
        payment_id=scard["payment_id"],
    )
    assert unchanged(env)


def test_update_checked_bags() -> None:
    env = fresh()
    res = SEED.find(
        lambda r: (
            SEED.open(r)
            and r["cabin"] == "economy"
            and SEED.users[r["user_id"]]["tier"] == "none"
            and SEED.pax(r) == 1
            and r["checked_bags"] == 1
            and SEED.card(r["user_id"]) is not None
        )
    )
    card = SEED.card(res["user_id"])
    assert card is not None
    data = ok(
        env,
        "update_checked_bags",
        reservation_id=res["reservation_id"],
        total_checked_bags=3,
        payment_id=card["payment_id"],
    )
    assert data["bag_fee_charged"] == 80.0 and data["checked_bags"] == 3
    new = rows(env, "payments", reservation_id=res["reservation_id"], created_at=NOW)
    assert [(p["purpose"], p["kind"], p["amount"]) for p in new] == [("baggage", "charge", 80.0)]


def test_update_checked_bags_refusals_change_nothing() -> None:
    env = fresh()
    res = SEED.find(
        lambda r: SEED.open(r) and r["checked_bags"] >= 1 and SEED.card(r["user_id"]) is not None
    )
    card = SEED.card(res["user_id"])
    assert card is not None
    rid, bags = res["reservation_id"], res["checked_bags"]
    assert "cannot be removed" in refused(
        env,
        "update_checked_bags",
        reservation_id=rid,
        total_checked_bags=bags - 1,
        payment_id=card["payment_id"],
    )
    assert "already has" in refused(
        env,
        "update_checked_bags",
        reservation_id=rid,
        total_checked_bags=bags,
        payment_id=card["payment_id"],
    )
    assert "at most 4" in refused(
        env,
        "update_checked_bags",
        reservation_id=rid,
        total_checked_bags=4 * SEED.pax(res) + 1,
        payment_id=card["payment_id"],
    )
    assert unchanged(env)


def test_update_passengers() -> None:
    env = fresh()
    res = old_reservation("economy")
    people = [
        {
            "first_name": p["first_name"],
            "last_name": p["last_name"],
            "date_of_birth": p["date_of_birth"].isoformat(),
        }
        for p in SEED.passengers[res["reservation_id"]]
    ]
    people[0]["last_name"] = people[0]["last_name"] + "-Ortega"
    ok(env, "update_passengers", reservation_id=res["reservation_id"], passengers=people)
    stored = sorted(
        rows(env, "passengers", reservation_id=res["reservation_id"]), key=lambda p: p["position"]
    )
    assert stored[0]["last_name"] == people[0]["last_name"]
    assert [p["position"] for p in stored] == list(range(1, len(people) + 1))
    assert [p["first_name"] for p in stored] == [p["first_name"] for p in people]


def test_update_passengers_refusals_change_nothing() -> None:
    env = fresh()
    res = old_reservation("economy")
    people = [
        {
            "first_name": p["first_name"],
            "last_name": p["last_name"],
            "date_of_birth": p["date_of_birth"].isoformat(),
        }
        for p in SEED.passengers[res["reservation_id"]]
    ]
    extra = {"first_name": "Kofi", "last_name": "Owusu", "date_of_birth": "1980-01-01"}
    assert "cannot change" in refused(
        env, "update_passengers", reservation_id=res["reservation_id"], passengers=[*people, extra]
    )
    assert "already" in refused(
        env, "update_passengers", reservation_id=res["reservation_id"], passengers=people
    )
    future = [{**people[0], "date_of_birth": "2031-02-02"}, *people[1:]]
    assert "future" in refused(
        env, "update_passengers", reservation_id=res["reservation_id"], passengers=future
    )
    blank = [{**people[0], "first_name": " "}, *people[1:]]
    assert "name" in refused(
        env, "update_passengers", reservation_id=res["reservation_id"], passengers=blank
    )
    assert unchanged(env)


def test_add_travel_insurance() -> None:
    env = fresh()
    res = SEED.find(
        lambda r: (
            SEED.open(r)
            and NOW - r["created_at"] < timedelta(hours=20)
            and not r["insurance"]
            and SEED.card(r["user_id"]) is not None
        )
    )
    card = SEED.card(res["user_id"])
    assert card is not None
    data = ok(
        env,
        "add_travel_insurance",
        reservation_id=res["reservation_id"],
        payment_id=card["payment_id"],
    )
    assert data["insurance"] is True and data["insurance_charged"] == 30.0 * SEED.pax(res)
    assert rows(env, "reservations", reservation_id=res["reservation_id"])[0]["insurance"] is True


def test_add_travel_insurance_refusals_change_nothing() -> None:
    env = fresh()
    old = old_reservation("economy")
    card = SEED.card(old["user_id"])
    assert card is not None
    assert "24 hours" in refused(
        env,
        "add_travel_insurance",
        reservation_id=old["reservation_id"],
        payment_id=card["payment_id"],
    )
    insured = SEED.find(
        lambda r: SEED.open(r) and r["insurance"] and SEED.card(r["user_id"]) is not None
    )
    icard = SEED.card(insured["user_id"])
    assert icard is not None
    assert "already insured" in refused(
        env,
        "add_travel_insurance",
        reservation_id=insured["reservation_id"],
        payment_id=icard["payment_id"],
    )
    assert unchanged(env)


# ----------------------------------------------------------------------------- support


def disrupted(res: Row, reason: str) -> Row | None:
    for f in SEED.flights_of(res):
        if (res["reservation_id"], f["flight_id"]) in SEED.compensated:
            continue
        if reason == "cancelled" and f["status"] == "cancelled" and f["departure"] < NOW:
            return f
        if reason == "delayed" and f["status"] == "landed" and f["delay_minutes"] >= 180:
            return f
    return None


def test_issue_compensation_certificate_cancelled_and_delayed() -> None:
    env = fresh()
    for reason, per_passenger in (("cancelled", 125.0), ("delayed", 60.0)):
        res = SEED.find(
            lambda r, why=reason: (
                disrupted(r, why) is not None
                and SEED.users[r["user_id"]]["tier"] in ("gold", "platinum")
            )
        )
        f = disrupted(res, reason)
        assert f is not None
        data = ok(
            env,
            "issue_compensation_certificate",
            reservation_id=res["reservation_id"],
            flight_number=f["flight_number"],
            date=f["flight_date"].isoformat(),
        )
        assert data["reason"] == reason and data["amount"] == per_passenger * SEED.pax(res)
        cert = rows(env, "payment_methods", payment_id=data["certificate_id"])[0]
        assert cert["kind"] == "travel_certificate" and cert["balance"] == data["amount"]
        comp = rows(
            env, "compensations", reservation_id=res["reservation_id"], flight_id=f["flight_id"]
        )
        assert comp[0]["certificate_id"] == data["certificate_id"]


def test_issue_compensation_certificate_refusals_change_nothing() -> None:
    env = fresh()
    plain = SEED.find(
        lambda r: (
            disrupted(r, "delayed") is not None
            and SEED.users[r["user_id"]]["tier"] == "none"
            and r["cabin"] != "business"
            and not r["insurance"]
        )
    )
    f = disrupted(plain, "delayed")
    assert f is not None
    assert "not eligible" in refused(
        env,
        "issue_compensation_certificate",
        reservation_id=plain["reservation_id"],
        flight_number=f["flight_number"],
        date=f["flight_date"].isoformat(),
    )
    rid, fid = sorted(SEED.compensated)[0]
    done = SEED.flights[fid]
    assert "already issued" in refused(
        env,
        "issue_compensation_certificate",
        reservation_id=rid,
        flight_number=done["flight_number"],
        date=done["flight_date"].isoformat(),
    )
    on_time = SEED.find(
        lambda r: (
            r["status"] == "active"
            and SEED.flights_of(r)[0]["status"] == "landed"
            and SEED.flights_of(r)[0]["delay_minutes"] == 0
        )
    )
    g = SEED.flights_of(on_time)[0]
    assert "only cancelled" in refused(
        env,
        "issue_compensation_certificate",
        reservation_id=on_time["reservation_id"],
        flight_number=g["flight_number"],
        date=g["flight_date"].isoformat(),
    )
    other = next(
        x
        for x in SEED.flights.values()
        if x["flight_id"] not in {s["flight_id"] for s in SEED.segments[on_time["reservation_id"]]}
    )
    assert "not part of" in refused(
        env,
        "issue_compensation_certificate",
        reservation_id=on_time["reservation_id"],
        flight_number=other["flight_number"],
        date=other["flight_date"].isoformat(),
    )
    assert unchanged(env)


def test_transfer_to_human_agents() -> None:
    env = fresh()
    result = env.execute(
        "transfer_to_human_agents", {"summary": "Member SL100000 reports a lost bag."}
    )
    assert result.outcome == "ok" and result.ends_episode
    assert json.loads(result.content)["transferred"] is True
    assert refused(env, "transfer_to_human_agents", summary="   ")
    assert unchanged(env)


def test_every_tool_has_a_test() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    for name in DOMAIN.tools:
        assert f'"{name}"' in source, f"tool {name} is not exercised by this module"
    assert len(DOMAIN.tools) >= 14


def test_read_tools_do_not_write_and_times_are_fixed() -> None:
    env = fresh()
    res = old_reservation("business")
    for _ in range(2):
        ok(env, "get_reservation_details", reservation_id=res["reservation_id"])
        ok(env, "get_user_details", user_id=res["user_id"])
    assert unchanged(env)
    assert isinstance(NOW, datetime)


def test_bad_input_is_refused_never_a_crash() -> None:
    env = fresh()
    res = old_reservation("economy")
    card = SEED.card(res["user_id"])
    assert card is not None
    card_id = card["payment_id"]
    nonsense: list[tuple[str, dict[str, Any]]] = [
        ("authenticate_customer", {"identifier": "", "date_of_birth": "1990-01-01"}),
        ("authenticate_customer", {"identifier": "x" * 500, "date_of_birth": "0001-01-01"}),
        ("get_user_details", {"user_id": ""}),
        ("get_user_details", {}),
        ("get_reservation_details", {"reservation_id": 42}),
        ("search_direct_flights", {"origin": "", "destination": "KSN", "date": "2026-05-20"}),
        ("search_onestop_flights", {"origin": "PAV", "destination": "KSN", "date": "2026-13-40"}),
        ("get_flight_status", {"flight_number": "", "date": "2026-05-20"}),
        (
            "book_reservation",
            {
                "user_id": res["user_id"],
                "outbound_flights": [],
                "cabin": "economy",
                "passengers": [],
                "payment_id": card_id,
            },
        ),
        (
            "book_reservation",
            {
                "user_id": res["user_id"],
                "outbound_flights": [{"flight_number": "LK1"}],
                "cabin": "economy",
                "passengers": [],
                "payment_id": card_id,
            },
        ),
        (
            "book_reservation",
            {
                "user_id": res["user_id"],
                "outbound_flights": [ref(f) for f in SEED.flights_of(res)],
                "cabin": "first",
                "passengers": [],
                "payment_id": card_id,
            },
        ),
        (
            "book_reservation",
            {
                "user_id": res["user_id"],
                "outbound_flights": [ref(SEED.bookable("PAV", "KSN", "economy", 1))] * 3,
                "cabin": "economy",
                "passengers": [
                    {"first_name": "A", "last_name": "B", "date_of_birth": "1990-01-01"}
                ],
                "payment_id": card_id,
            },
        ),
        (
            "book_reservation",
            {
                "user_id": res["user_id"],
                "outbound_flights": [ref(SEED.bookable("PAV", "KSN", "economy", 1))],
                "cabin": "economy",
                "passengers": [
                    {"first_name": "A", "last_name": "B", "date_of_birth": "1990-01-01"}
                ],
                "payment_id": card_id,
                "checked_bags": -1,
            },
        ),
        (
            "cancel_reservation",
            {"reservation_id": "", "reason": "other", "refund_to": "original_payment"},
        ),
        (
            "change_flights",
            {
                "reservation_id": res["reservation_id"],
                "outbound_flights": [],
                "payment_id": card_id,
            },
        ),
        (
            "change_flights",
            {
                "reservation_id": res["reservation_id"],
                "outbound_flights": [{"flight_number": "LK103", "date": "1999-01-01"}],
                "payment_id": card_id,
            },
        ),
        (
            "change_cabin",
            {"reservation_id": res["reservation_id"], "cabin": "business", "payment_id": ""},
        ),
        (
            "update_checked_bags",
            {
                "reservation_id": res["reservation_id"],
                "total_checked_bags": -3,
                "payment_id": card_id,
            },
        ),
        (
            "update_checked_bags",
            {
                "reservation_id": res["reservation_id"],
                "total_checked_bags": "many",
                "payment_id": card_id,
            },
        ),
        (
            "update_checked_bags",
            {
                "reservation_id": res["reservation_id"],
                "total_checked_bags": 10**12,
                "payment_id": card_id,
            },
        ),
        ("update_passengers", {"reservation_id": res["reservation_id"], "passengers": []}),
        (
            "update_passengers",
            {"reservation_id": res["reservation_id"], "passengers": [{"first_name": "A"}]},
        ),
        (
            "add_travel_insurance",
            {"reservation_id": res["reservation_id"], "payment_id": "GC-000000"},
        ),
        (
            "issue_compensation_certificate",
            {
                "reservation_id": res["reservation_id"],
                "flight_number": "LK103",
                "date": "2026-05-20",
                "extra": 1,
            },
        ),
        ("transfer_to_human_agents", {}),
        ("no_such_tool", {}),
    ]
    for name, kwargs in nonsense:
        result = env.execute(name, kwargs)
        assert result.outcome == "error", (name, kwargs, result.content)
    assert env.execute("get_user_details", "not json").outcome == "error"
    assert unchanged(env)


def test_independent_writes_give_the_same_state_in_any_order() -> None:
    res = SEED.find(
        lambda r: (
            SEED.open(r)
            and NOW - r["created_at"] < timedelta(hours=20)
            and not r["insurance"]
            and r["checked_bags"] < 4 * SEED.pax(r)
            and SEED.card(r["user_id"]) is not None
        )
    )
    card = SEED.card(res["user_id"])
    assert card is not None
    user = SEED.users[res["user_id"]]
    flight = SEED.bookable("KSN", "PAV", "economy", 2)
    other = {"first_name": "Efua", "last_name": "Ofori", "date_of_birth": "1979-03-03"}
    steps = [
        (
            "add_travel_insurance",
            {"reservation_id": res["reservation_id"], "payment_id": card["payment_id"]},
        ),
        (
            "update_checked_bags",
            {
                "reservation_id": res["reservation_id"],
                "total_checked_bags": res["checked_bags"] + 1,
                "payment_id": card["payment_id"],
            },
        ),
        (
            "book_reservation",
            {
                "user_id": user["user_id"],
                "outbound_flights": [ref(flight)],
                "cabin": "economy",
                "passengers": [person(user)],
                "payment_id": card["payment_id"],
            },
        ),
        (
            "book_reservation",
            {
                "user_id": user["user_id"],
                "outbound_flights": [ref(flight)],
                "cabin": "economy",
                "passengers": [other],
                "payment_id": card["payment_id"],
            },
        ),
    ]
    hashes = set()
    for order in (steps, steps[::-1]):
        env = fresh()
        for name, kwargs in order:
            ok(env, name, **kwargs)
        hashes.add(env.state_hash())
    assert len(hashes) == 1


def test_passenger_names_are_stored_in_one_form_however_they_are_typed() -> None:
    names = ["passengers.[].first_name", "passengers.[].last_name"]
    checked = check_typed_variants_reach_gold(
        DOMAIN, {"book_reservation": names, "update_passengers": names}, per_tool=1
    )
    assert len(checked) >= 2
    # The reservation code is derived from the names as stored, not as typed.
    booked = []
    task = next(t for t in SPLITS if any(a.name == "book_reservation" for a in t.gold_actions))
    call = next(a for a in task.gold_actions if a.name == "book_reservation")
    for typed in (str.lower, str.upper):
        env = fresh()
        passengers = [
            {**p, "first_name": typed(p["first_name"]), "last_name": typed(p["last_name"])}
            for p in call.kwargs["passengers"]
        ]
        booked.append(ok(env, "book_reservation", **{**call.kwargs, "passengers": passengers}))
    assert booked[0]["reservation_id"] == booked[1]["reservation_id"]
    assert booked[0]["passengers"] == booked[1]["passengers"]
