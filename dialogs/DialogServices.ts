import { ChannelOutput } from '../src/bot/ChannelOutput';
import { Recognizer } from '../src/nlu/IntentRecognizer';
import { ComplaintCategories } from '../src/services/ComplaintCategories';
import { ComplaintService } from '../src/services/ComplaintService';
import { HandoffService } from '../src/services/HandoffService';
import { IdentityService } from '../src/services/IdentityService';
import { UtilityBackend } from '../src/services/UtilityBackend';
import { VerificationService } from '../src/services/VerificationService';

/** Settings the dialogs read. */
export interface DialogSettings {
    /** Payment link; `{account}` is replaced by the account number. */
    paymentUrlTemplate: string;
    /** Highest plausible kWh between two readings. */
    meterReadingMaxJump: number;
}

/** Everything the dialogs depend on, injected so tests can substitute any part. */
export interface DialogServices {
    backend: UtilityBackend;
    complaints: ComplaintService;
    identities: IdentityService;
    verification: VerificationService;
    handoff: HandoffService;
    categories: ComplaintCategories;
    output: ChannelOutput;
    recognizer: Recognizer;
    settings: DialogSettings;
}
