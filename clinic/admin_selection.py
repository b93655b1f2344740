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

    def changelist_view(self, request, extra_context=None):
        # A NUL byte in a filter fails the query on PostgreSQL: refuse it as a bad lookup.
        if any("\x00" in key or "\x00" in value for key, value in request.GET.items()):
            return HttpResponseRedirect(f"{request.path}?e=1")
        return super().changelist_view(request, extra_context)


class DeclaredFiltersOnlyMixin:
    """Only the admin's declared filters may narrow its list.

    Django allows a lookup on any field of the model itself in the list's URL, so
    `?personnummer__startswith=1985` would recover a masked number digit by digit. Models
    that hold patient data take this mixin: a lookup must belong to a `list_filter` entry
    or the `date_hierarchy`; anything else is refused as Django refuses unknown lookups.
    """

    def lookup_allowed(self, lookup, value, request=None):
        allowed = {self.date_hierarchy} if self.date_hierarchy else set()
        for item in self.get_list_filter(request):
            if isinstance(item, str):
                allowed.add(item)
            elif isinstance(item, tuple | list):
                allowed.add(item[0])
            else:
                allowed.add(getattr(item, "parameter_name", None))
        return any(
            path and (lookup == path or lookup.startswith(f"{path}__")) for path in allowed
        ) and super().lookup_allowed(lookup, value, request)
