from tests.servers import postgres, redis_url, s3, s3_server  # noqa: F401  (fixtures)
