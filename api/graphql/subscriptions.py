from collections.abc import AsyncGenerator

import strawberry


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def noop(self) -> AsyncGenerator[int, None]:
        yield 1
