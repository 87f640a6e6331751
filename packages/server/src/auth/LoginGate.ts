/**
 * What a correct password leads to: a session, or first a second factor. Accounts asks the gate; the
 * MFA slice implements it (mfa/MfaChallenges.ts), so accounts know nothing of factors.
 */
import type { DatabaseError, LoginRequest, MfaRequired } from "@mediaserver/domain"
import { Context, type Effect, type Option } from "effect"
import type { UserRow } from "./UsersRepo.js"

export class LoginGate extends Context.Tag("@mediaserver/auth/LoginGate")<
  LoginGate,
  {
    /** Some: the account has MFA on; the login answers this challenge instead of a session. */
    readonly challenge: (user: UserRow, request: LoginRequest) => Effect.Effect<Option.Option<MfaRequired>, DatabaseError>
  }
>() {}
