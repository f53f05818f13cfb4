"""Hostile input for the no-5xx sweeps (Hypothesis strategies shared by the apps' hostile-input tests)."""

from hypothesis import strategies as st

# Control characters, NEL, every bidi override and isolate, the line separator, the replacement character.
HOSTILE_CHARS = "\x00\x01\x07\x1b\x7f\u0085\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\ufffd\ud7ff"
HUGE = "9" * 30  # an id or a count beyond every integer column


def hostile_text(*, extra_values=(), alphabet_extra: str = "", max_size: int = 60):
    """Any text, text built from hostile characters, and known troublemakers plus `extra_values` (the
    endpoint's own action names, dates at the ends of the calendar, …)."""
    return st.one_of(
        st.text(max_size=max_size),
        st.text(alphabet=st.sampled_from(HOSTILE_CHARS + "aÄ ß\n" + alphabet_extra), max_size=max_size),
        st.sampled_from(
            [
                "A" * 100_000,
                HUGE,
                "-1",
                "0",
                "²",
                "' OR 1=1 --",
                "<script>alert(1)</script>",
                "{{ 7*7 }}",
                "%00",
                "../../etc",
                *extra_values,
            ]
        ),
    )


def form_bodies(fields, *, values, max_size: int = 8):
    """Form posts: up to `max_size` of `fields`, each with one value or a list of values."""
    return st.dictionaries(st.sampled_from(fields), st.one_of(values, st.lists(values, max_size=3)), max_size=max_size)
