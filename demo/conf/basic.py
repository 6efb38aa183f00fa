# HTTP Basic authentication (RFC 7617) against the users table.
#
# With a single password scheme, tokens are tried first, so the token
# from GET /login is accepted as "Authorization: Bearer <token>".
FSA_AUTH = "basic"

# Token signing secret.  A fixed value keeps tokens valid across restarts
# and lets `python -m demo token` sign tokens this server accepts.  It is
# public in this file, so it protects nothing: a real deployment reads it
# from the environment, e.g. FSA_TOKEN_SECRET = os.environ["APP_SECRET"].
FSA_TOKEN_SECRET = (
    "RXSrBmI5BY1xTuWNjo3GRrVotvvaEIX2DEUhZIBmRdNypmkldZysH0Z3SvYxuJ2Z"
)

# Same realm on both backends, so that their tokens are interchangeable.
FSA_REALM = "demo"
