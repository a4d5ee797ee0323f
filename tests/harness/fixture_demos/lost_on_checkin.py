"""Holds three idle pooled connections while a fourth waits on the server. When the
server goes, the three go back to their pool, which rolls each back on the way in:
that fails, and the pool only logs it (as the payoff's warm-up can meet it)."""

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from demos.connection import database_url


def main() -> None:
    url = database_url("mysql+pymysql://root:example@localhost/exampledb")
    engine = create_engine(url, pool_size=4, max_overflow=0)
    idle = [engine.connect() for _ in range(3)]
    try:
        with engine.connect() as waiting:
            print("connected, sleeping", flush=True)
            waiting.execute(text("SELECT SLEEP(30)"))
    except OperationalError:
        print("the server is gone; returning the idle connections", flush=True)
    for conn in idle:
        conn.close()
    engine.dispose()
    print("all returned")


if __name__ == "__main__":
    main()
