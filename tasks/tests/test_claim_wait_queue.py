"""The process's queue of waiting claims (`claim_waits.Waiters`): who is woken by what."""

from tasks.claim_waits import Waiters
from tasks.ready_notifications import Readiness

RENDER = Readiness("render", "")


def woken(*waiters) -> list[bool]:
    return [waiter.woken.is_set() for waiter in waiters]


def test_a_readiness_wakes_one_claim_the_longest_waiting_that_can_take_it():
    waiters = Waiters(capacity=10)
    voice = waiters.enter(["voice"], None)
    first = waiters.enter(["render", "voice"], None)
    second = waiters.enter(["render"], None)
    waiters.ready(RENDER)
    assert woken(voice, first, second) == [False, True, False]
    assert first.handed == [RENDER]
    # Woken and not yet looking: the next readiness goes to the next claim.
    waiters.ready(RENDER)
    assert woken(voice, first, second) == [False, True, True]
    waiters.ready(RENDER)
    assert second.handed == [RENDER]  # nobody left to wake: it is not handed twice
    assert first.handed == [RENDER]


def test_a_claim_naming_platforms_is_woken_for_those_only():
    waiters = Waiters(capacity=10)
    on_kling = waiters.enter(["video"], ["kling"])
    waiters.ready(Readiness("video", "runway"))
    waiters.ready(Readiness("video", ""))
    assert woken(on_kling) == [False]
    waiters.ready(Readiness("video", "kling"))
    assert woken(on_kling) == [True]


def test_a_wake_passed_on_reaches_any_claim_of_the_type():
    waiters = Waiters(capacity=10)
    on_kling = waiters.enter(["video"], ["kling"])
    waiters.ready(Readiness("video", platform=None))
    assert woken(on_kling) == [True]


def test_a_claim_that_leaves_without_looking_passes_its_wakes_on():
    waiters = Waiters(capacity=10)
    leaving = waiters.enter(["render"], None)
    staying = waiters.enter(["render"], None)
    waiters.ready(RENDER)
    waiters.leave(leaving)
    assert woken(staying) == [True]
    assert staying.handed == [RENDER]
    assert len(waiters) == 1


def test_a_claim_that_looked_has_nothing_to_pass_on():
    waiters = Waiters(capacity=10)
    looked = waiters.enter(["render"], None)
    other = waiters.enter(["render"], None)
    waiters.ready(RENDER)
    waiters.looking(looked)
    assert woken(looked) == [False]
    waiters.leave(looked)
    assert woken(other) == [False]


def test_listening_or_not_every_claim_looks_again():
    waiters = Waiters(capacity=10)
    claims = [waiters.enter(["render"], None), waiters.enter(["voice"], ["kling"])]
    waiters.listening_changed(True)
    assert waiters.listening and woken(*claims) == [True, True]
    for claim in claims:
        waiters.looking(claim)
    waiters.listening_changed(False)
    assert not waiters.listening and woken(*claims) == [True, True]


def test_no_more_claims_wait_than_the_capacity():
    waiters = Waiters(capacity=2)
    first = waiters.enter(["render"], None)
    assert waiters.enter(["render"], None) is not None
    assert waiters.enter(["render"], None) is None
    waiters.leave(first)
    assert waiters.enter(["render"], None) is not None
