class ClaimVersionHeader:
    """Adds X-Claim-Module to every response, to show module middleware at work."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["X-Claim-Module"] = "1.0.0"
        return response
