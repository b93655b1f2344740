"""List actions that survive a tampered selection.

Django's admin puts the ids of the ticked rows (`_selected_action`) straight into
`pk__in=...`; an id that is not a number ("1e3", "", a NUL byte) then fails the query and
the action answers with a 500. Every ModelAdmin of the project takes this mixin first:

    class BookingAdmin(ValidSelectionMixin, admin.ModelAdmin): ...

and a selection that cannot be read gets a message and the list again, with nothing done.
"""

from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect


class ValidSelectionMixin:
    def response_action(self, request, queryset):
        primary_key = self.model._meta.pk
        for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
            try:
                primary_key.to_python(value)
            except ValidationError:
                self.message_user(
                    request,
                    "Markeringen kunde inte läsas. Markera raderna igen och försök på nytt.",
                    messages.WARNING,
                )
                return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)
