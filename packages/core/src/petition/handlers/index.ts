import type { Handler, Handlers } from "../guards.js"
import type { PetitionCommandTag } from "../schema.js"
import { closure } from "./closure.js"
import { dispatch } from "./dispatch.js"
import { handling } from "./handling.js"
import { intake } from "./intake.js"
import { records } from "./records.js"
import { supervision } from "./supervision.js"

/** One handler per command, grouped by phase; the `Handlers` type makes the compiler check none is missing. */
export const handlers: Handlers = { ...intake, ...dispatch, ...handling, ...closure, ...supervision, ...records }

/** The handler for a command tag (typed by the tag, so the command it takes is the right one). */
export const handlerFor = <T extends PetitionCommandTag>(tag: T): Handler<T> => handlers[tag]
