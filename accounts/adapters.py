from allauth.account.adapter import DefaultAccountAdapter

from core.services import outbox_write


class AccountAdapter(DefaultAccountAdapter):
    """All allauth mail (verification, password reset) goes through our outbox: nothing is lost."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        message = self.render_mail(template_prefix, email, context)
        html = next((body for body, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
        outbox_write(
            to=email,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
            topic=template_prefix.rsplit("/", 1)[-1],
        )
