import { TurnContext } from 'botbuilder';
import { ChannelOutput } from '../src/bot/ChannelOutput';
import { toAsciiDigits } from '../src/nlu/normalizeText';
import { CodeCheck } from '../src/services/OneTimeCodes';
import { AskAnswer, AskPrompt, AskSpec, AskValidator } from './AskPrompt';

/** The six-digit one-time code in a reply, also inside a sentence ("otp 297148 hai", "code is 297 148"); null when none. */
export function oneTimeCodeIn(text: string): string | null {
    return (
        toAsciiDigits(text)
            .match(/(?<![0-9])[0-9](?:[\s-]?[0-9]){5}(?![\s-]?[0-9])/)?.[0]
            .replace(/[\s-]/g, '') ?? null
    );
}

/**
 * The one prompt for an SMS code, whatever it proves: "resend" passes through, a reply without a code goes to
 * `withoutCode` (asked again by default), and a code is checked by `check`; its outcome is left in `answer.note`
 * and a wrong one is asked again with the tries left.
 */
export function oneTimeCodePrompt(
    id: string,
    output: ChannelOutput,
    check: (context: TurnContext, spec: AskSpec, digits: string) => Promise<CodeCheck | null>,
    withoutCode: (answer: AskAnswer, context: TurnContext) => ReturnType<AskValidator> = async () => ({ key: 'verify:retry.format' })
): AskPrompt {
    return new AskPrompt(
        id,
        output,
        async (answer, context, spec) => {
            if (answer.choice === 'resend') return true;
            const digits = oneTimeCodeIn(answer.text);
            if (!digits) return withoutCode(answer, context);
            const outcome = await check(context, spec, digits);
            if (!outcome) return true;
            answer.note = outcome.kind;
            return outcome.kind === 'wrong' ? { key: 'verify:retry.wrong', vars: { count: outcome.attemptsLeft } } : true;
        },
        { freeText: true, numeric: true }
    );
}
