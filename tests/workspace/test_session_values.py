"""Any value in any session setting: refused naming the file and the key, or a state that
trains (the issue's "accepted but wrong": NaN rates, batch size 0, history of strings...)."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnsim.core.session import Session, SessionError
from nnsim.training.control import TrainingControl
from nnsim.training.loop import TrainingJob, run_training
from nnsim.workspace.opening import lesson_state, session_state

STATE = lesson_state("spiral", watchable=False)

ANY_VALUE = st.one_of(
    st.none(), st.booleans(), st.text(max_size=5),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))

FIELDS = [("optimizer", "learning_rate"), ("optimizer", "momentum"),
          ("training", "learning_rate"), ("training", "batch_size"),
          ("training", "epochs"), ("training", "speed"), ("training", "max_steps"),
          ("history", "loss"), ("history", "accuracy"), ("seed", None)]


def _session() -> Session:
    network = STATE.network
    return Session(lesson="spiral", model_kind="network", architecture=network.spec(),
                   weights=network.get_weights(),
                   optimizer={"name": "sgd", "learning_rate": 0.1, "momentum": 0.5},
                   history={"loss": [0.7, 0.6], "accuracy": [0.5, 0.6]}, seed=3,
                   training={"learning_rate": 0.1, "batch_size": 8, "epochs": 100})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(FIELDS), value=ANY_VALUE)
def test_any_value_is_refused_by_name_or_trains(field, value):
    session = _session()
    table, key = field
    if key is None:
        session = dataclasses.replace(session, **{table: value})
    else:
        session = dataclasses.replace(session, **{table: {**getattr(session, table), key: value}})
    try:
        state = session_state(session, "/lectures/week3.nnsim", watchable=False)
    except SessionError as error:
        text = str(error)
        assert text.startswith("week3.nnsim: ") and (key or table) in text, text
        return
    s = state.settings
    assert np.isfinite(s.learning_rate) and s.learning_rate > 0
    assert 1 <= s.batch_size <= 65_536 and s.epochs >= 0
    assert all(type(v) is float for series in state.history.values() for v in series)
    job = TrainingJob(model=state.model, X=state.data.X_train, y=state.data.y_train,
                      epochs=1, batch_size=s.batch_size, optimizer=state.optimizer,
                      loss=state.lesson.loss, seed=s.seed)
    result = run_training(job, TrainingControl(), lambda _snapshot: None)
    assert result.status in ("finished", "converged", "diverged"), result
