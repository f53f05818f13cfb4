"""The support needs a person states (asked as the support required, never a diagnosis)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SupportNeeds:
    step_free: bool = False
    sign_language: bool = False
    induction_loop: bool = False
    easy_language: bool = False
    childcare: bool = False
    other: str = ""

    def any(self) -> bool:
        return any(
            [
                self.step_free,
                self.sign_language,
                self.induction_loop,
                self.easy_language,
                self.childcare,
                self.other.strip(),
            ]
        )
