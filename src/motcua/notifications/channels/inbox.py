from motcua.notifications.channels import CHANNELS, Channel, Recipient


@CHANNELS.register("inbox")
class Inbox(Channel):
    """The in-app inbox: the portal's "Thông báo" page for citizens, the back office's alerts for officials. The
    message row is the inbox entry, so delivering is recording it."""

    label_vi, label_en = "Hộp thư trên cổng", "Inbox on the portal"
    local = True
    optional = False

    def address(self, recipient: Recipient) -> str:
        return recipient.key

    def send(self, delivery, message) -> str:
        return f"inbox:{message.pk}"
