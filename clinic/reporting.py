"""Error reports without patient data.

Django's error e-mails and (with DEBUG off) error pages show what a request carried and the
local variables of every frame: on a booking or order that is a patient's name, e-mail,
phone number and personnummer. With DEBUG off these reports show none of it: every POST and
GET value, the query string, cookies, client addresses and all frame variables are replaced
by stars. The traceback itself (files, lines, code) stays.
"""

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

HIDDEN_META = {
    "QUERY_STRING",
    "RAW_URI",
    "REQUEST_URI",
    "HTTP_REFERER",
    "HTTP_COOKIE",
    "REMOTE_ADDR",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
}


def hide_all(multivaluedict, substitute=SafeExceptionReporterFilter.cleansed_substitute):
    hidden = multivaluedict.copy()
    for key in hidden:
        hidden[key] = substitute
    return hidden


class PatientSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    def get_post_parameters(self, request):
        if request is None:
            return {}
        if not self.is_active(request):
            return super().get_post_parameters(request)
        return hide_all(request.POST, self.cleansed_substitute)

    def get_cleansed_multivaluedict(self, request, multivaluedict):
        if not self.is_active(request):
            return super().get_cleansed_multivaluedict(request, multivaluedict)
        return hide_all(multivaluedict, self.cleansed_substitute)

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        if self.is_active(request):
            for key in HIDDEN_META & set(meta):
                meta[key] = self.cleansed_substitute
        return meta

    def get_traceback_frame_variables(self, request, tb_frame):
        if not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]


class PatientSafeExceptionReporter(ExceptionReporter):
    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is not None and self.filter.is_active(self.request):
            data["request_GET_items"] = hide_all(self.request.GET).items()
            data["request_insecure_uri"] = data["request_insecure_uri"].split("?", 1)[0]
        return data
