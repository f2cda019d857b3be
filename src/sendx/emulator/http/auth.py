"""Who may call the API: fixed team/key pairs, or teams bound by first use.

With fixed pairs (``--team TEAM:KEY``) only those are accepted. Without, any
non-empty team id is accepted and bound to the first API key that succeeds with it;
another key for that team then gets 401. Keys are kept only as SHA-256 hashes and
compared in constant time.

The REST API sends only a key (``X-Team-ApiKey``): it names the team it is bound to
(the oldest one, if a key was bound to several over v1). Without fixed pairs, a key
seen first over REST binds a team of its own, whose id is ``rest-`` and the first 16
hex digits of the key's SHA-256: stable, and no secret.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from sendx.emulator.store.database import Store
from sendx.emulator.store.records import TeamRow, hash_key

__all__ = ["AUTH_MESSAGE", "Auth", "AuthError", "check_teams", "rest_team_id"]

AUTH_MESSAGE = "The Team ID or API Key specified is not valid"
_MAX_VERIFIED = 1024


class AuthError(Exception):
    """The team id or the key is missing or wrong (HTTP 401)."""


def check_teams(teams: Mapping[str, str] | None) -> dict[str, str] | None:
    """Validate a ``team_id -> api_key`` mapping (non-empty strings)."""
    if teams is None:
        return None
    if not isinstance(teams, Mapping):
        raise TypeError(
            f"teams must be a mapping of team id to API key (got {type(teams).__name__})"
        )
    checked: dict[str, str] = {}
    for team_id, key in teams.items():
        if not isinstance(team_id, str) or not team_id:
            raise ValueError("every team id must be a non-empty string")
        if not isinstance(key, str) or not key:
            raise ValueError(f"the API key of team {team_id!r} must be a non-empty string")
        checked[team_id] = key
    return checked


class Auth:
    """Checks ``team_id`` and ``api_key``; caches the teams (one dict lookup a call)."""

    def __init__(self, store: Store, teams: Mapping[str, str] | None) -> None:
        self._store = store
        self._fixed = teams is not None
        if teams is not None:
            known = {team.team_id: team for team in store.teams()}
            with store.write():
                for team_id, key in teams.items():
                    row = known.get(team_id)
                    if row is None:
                        store.add_team(team_id, hash_key(key), configured=True)
                    else:
                        store.set_team_key(row.pk, hash_key(key), configured=True)
            self._allowed = frozenset(teams)
        self.reload()

    @property
    def fixed(self) -> bool:
        """Whether only configured pairs are accepted."""
        return self._fixed

    def reload(self) -> None:
        """Re-read the teams from the store (after a reset)."""
        teams = self._store.teams()
        if self._fixed:
            teams = [team for team in teams if team.team_id in self._allowed]
        self._teams = {team.team_id: team for team in teams}
        self._verified: dict[tuple[str, bytes], TeamRow] = {}
        # key hash -> the oldest team bound to it (teams() is ordered by id).
        self._by_hash: dict[str, TeamRow] = {}
        for team in teams:
            self._by_hash.setdefault(team.key_hash, team)
        self._rest_verified: dict[bytes, TeamRow] = {}

    def team(self, team_id: str) -> TeamRow | None:
        """The team with this id, if known (bound or configured)."""
        return self._teams.get(team_id)

    def team_ids(self) -> list[str]:
        """The ids of the known teams."""
        return list(self._teams)

    def check(self, team_id: str | None, key: bytes | None) -> TeamRow | None:
        """The team, or ``None`` for a team that this key would bind; raises
        :class:`AuthError` when the pair is not accepted."""
        if not team_id or not key:
            raise AuthError
        # Pairs already verified skip the hash: a dict lookup instead of SHA-256 and a
        # constant-time compare on every request. The keys stay in memory only.
        verified = self._verified.get((team_id, key))
        if verified is not None:
            return verified
        team = self._teams.get(team_id)
        if team is None:
            if self._fixed:
                raise AuthError
            return None
        if not hmac.compare_digest(team.key_hash, hash_key(key)):
            raise AuthError
        if len(self._verified) >= _MAX_VERIFIED:
            self._verified.clear()
        self._verified[(team_id, key)] = team
        return team

    def bind(self, team_id: str, key: bytes) -> TeamRow:
        """Create a team for its first key, in the group's transaction; then
        :meth:`remember` it (a failed commit calls :meth:`reload`)."""
        return self._store.bind_team(team_id, hash_key(key))

    def remember(self, team: TeamRow) -> None:
        """Cache a team just bound (:meth:`reload` forgets it if its group fails)."""
        self._teams[team.team_id] = team
        self._by_hash.setdefault(team.key_hash, team)

    def rest(self, key: bytes | None) -> TeamRow | None:
        """The team of a REST key, or ``None`` for a key that would bind a team of its
        own; raises :class:`AuthError` when the key is missing or refused."""
        if not key:
            raise AuthError
        team = self._rest_verified.get(key)
        if team is not None:
            return team
        team = self._by_hash.get(hash_key(key))
        if team is None:
            if self._fixed:
                raise AuthError
            return None
        if len(self._rest_verified) >= _MAX_VERIFIED:
            self._rest_verified.clear()
        self._rest_verified[key] = team
        return team

    def bind_rest(self, key: bytes) -> TeamRow:
        """Stage and remember a team for a key first seen over REST."""
        key_hash = hash_key(key)
        team = self._store.bind_team(rest_team_id(key_hash), key_hash)
        self.remember(team)
        return team


def rest_team_id(key_hash: str) -> str:
    """The id of the team that a key first seen over REST binds."""
    return "rest-" + key_hash[:16]
