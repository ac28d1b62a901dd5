import type { DailyHours } from '../src/services/dailyHours';
import { ChannelOutput } from '../src/bot/ChannelOutput';
import { Recognizer } from '../src/nlu/IntentRecognizer';
import { FaqMatcher } from '../src/nlu/FaqMatcher';
import { CgrfForums } from '../src/services/CgrfForums';
import { ClosureCodeService } from '../src/services/ClosureCodeService';
import { CompensationClaimService } from '../src/services/CompensationClaimService';
import { ComplaintCategories } from '../src/services/ComplaintCategories';
import { ComplaintLifecycle } from '../src/services/ComplaintLifecycle';
import { ComplaintService } from '../src/services/ComplaintService';
import { HandoffService } from '../src/services/HandoffService';
import { CallbackLifecycle } from '../src/services/CallbackLifecycle';
import type { LiveChatService } from '../src/services/LiveChatService';
import { PlaceFinder } from '../src/services/PlaceFinder';
import type { PlannedShutdowns } from '../src/services/PlannedShutdowns';
import { IdentityService } from '../src/services/IdentityService';
import { MobileChangeService } from '../src/services/MobileChangeService';
import { UtilityBackend } from '../src/services/UtilityBackend';
import { VerificationService } from '../src/services/VerificationService';
import type { IncidentService } from '../src/services/IncidentService';

/** Settings the dialogs read. */
export interface DialogSettings {
    /** Payment link; `{account}` is replaced by the account number. */
    paymentUrlTemplate: string;
    /** Highest plausible kWh between two readings. */
    meterReadingMaxJump: number;
    /** Hours within which an officer must call back (told to the consumer). */
    callbackDueHours: number;
    /** Hours in which officers call back (India time); null: round the clock. */
    callbackHours: DailyHours | null;
    /** The public status page (known faults, planned shutdowns) to link to; null without PUBLIC_BASE_URL. */
    statusPageUrl: string | null;
}

/** Everything the dialogs depend on, injected so tests can substitute any part. */
export interface DialogServices {
    /** Consumer, meter and bill data (the discom's billing system). */
    backend: UtilityBackend;
    /** Registers complaints and answers status questions. */
    complaints: ComplaintService;
    /** Starts each new complaint's SLA clock and ownership. */
    lifecycle: ComplaintLifecycle;
    /** Channel users, their language and verified accounts. */
    identities: IdentityService;
    /** Phone match and one-time codes. */
    verification: VerificationService;
    /** One-time codes that prove a "yes, fixed" for complaints without an account. */
    closureCodes: ClosureCodeService;
    /** Compensation claims on breached complaints. */
    claims: CompensationClaimService;
    /** The consumer grievance forum (CGRF) of each discom, named in the text offered after a refused claim. */
    forums: CgrfForums;
    /** Requests to link or change an account's registered mobile. */
    mobileChanges: MobileChangeService;
    /** Outage incidents: whether a no-supply report belongs to a known fault, and what to tell the consumer. */
    incidents: Pick<IncidentService, 'isOutage' | 'knownOrForming' | 'forComplaint' | 'forChat' | 'openFor' | 'setUpdates' | 'follow'>;
    /** Officer callback requests. */
    handoff: HandoffService;
    /** Ownership, due time, escalation and outcome of callback requests. */
    callbacks: CallbackLifecycle;
    /** Live chat: "talk to an officer" during its hours also marks the chat as waiting for a person in the console. */
    liveChat?: Pick<LiveChatService, 'markWaiting' | 'hoursText'>;
    /** Planned shutdowns: a no-supply report inside one is answered with its schedule, and so are questions about them ("kal light katne wali hai kya?"). */
    shutdowns: Pick<PlannedShutdowns, 'coveringNow' | 'upcomingFor' | 'areaText'>;
    /** The districts of Uttar Pradesh and where a place without an account belongs. */
    places: PlaceFinder;
    /** Complaint categories from configuration. */
    categories: ComplaintCategories;
    /** Renders buttons as each channel can show them. */
    output: ChannelOutput;
    /** Intent recognizer for typed answers. */
    recognizer: Recognizer;
    /** Everyday questions answered from `locales/<lng>/faq.json`. */
    faq: FaqMatcher;
    /** Configured values the dialogs read. */
    settings: DialogSettings;
}
