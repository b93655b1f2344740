"""Why a booking, hold or offer could not be made; `message` is for the patient, in Swedish."""


class BookingError(Exception):
    """A booking could not be made or changed; `message` is for the patient, in Swedish."""

    message = "Bokningen kunde inte genomföras."

    def __init__(self, message=None):
        super().__init__(message or self.message)
        if message:
            self.message = message


class SlotTaken(BookingError):
    message = "Tiden hann tyvärr bokas av någon annan. Välj en annan tid."


class SlotNotBookable(BookingError):
    message = "Den tiden går inte att boka längre. Välj en annan tid."


class ChangeNotAllowed(BookingError):
    message = (
        "Bokningen kan inte längre ändras på webben. Ring eller mejla mottagningen, "
        "så hjälper vi dig."
    )


class TooManyHolds(BookingError):
    message = (
        "Det finns redan flera reserverade tider från din uppkoppling. "
        "Slutför eller släpp dem, eller vänta några minuter."
    )


class OfferGone(BookingError):
    message = "Erbjudandet gäller inte längre."


class CannotOffer(BookingError):
    message = "Tiden kan inte erbjudas."


class StatusChangeNotAllowed(BookingError):
    message = "Besökets status kan inte ändras så."
