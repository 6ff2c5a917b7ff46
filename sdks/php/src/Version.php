<?php

namespace OpenChance;

final class Version
{
    /** Follows the API document's info.version (API-CHANGELOG.md). */
    public const VERSION = '1.0.0';
}
