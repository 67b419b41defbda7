import { Rule } from "./rule";
import { ungovernedIdentity } from "./ungoverned-identity";
import { integrity } from "./integrity";
import { lifecycleTags } from "./lifecycle-tags";

/** Every rule, once. Adding a rule: one file in src/rules/ and one line here. */
export const RULES: readonly Rule[] = [ungovernedIdentity, integrity, lifecycleTags];
