"""Which server answered a connection, by the name and version it gives itself,
and the driver that asked."""

from sqlalchemy.ext.asyncio import AsyncConnection


def server_of(conn: AsyncConnection) -> str:
    """The server's name and version; MariaDB answers mysql:// URLs too."""
    version = ".".join(map(str, conn.dialect.server_version_info or ()))
    mariadb = getattr(conn.dialect, "is_mariadb", False)
    name = "MariaDB" if mariadb else conn.dialect.name
    return f"{name} {version} via {conn.dialect.driver}"
