# JSON Web Tokens (RFC 7519, HS256) obtained by HTTP Basic on GET /login.
# The order of FSA_AUTH is the order in which schemes are tried.
FSA_AUTH = ["token", "basic"]
FSA_TOKEN_TYPE = "jwt"

# Token signing secret.  A fixed value keeps tokens valid across restarts
# and lets `python -m demo token` sign tokens this server accepts.  It is
# public in this file, so it protects nothing: a real deployment reads it
# from the environment, e.g. FSA_TOKEN_SECRET = os.environ["APP_SECRET"].
FSA_TOKEN_SECRET = (
    "RXSrBmI5BY1xTuWNjo3GRrVotvvaEIX2DEUhZIBmRdNypmkldZysH0Z3SvYxuJ2Z"
)

# Same realm on both backends, so that their tokens are interchangeable.
FSA_REALM = "demo"
