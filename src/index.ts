/**
 * Bijli Mitra as a plugin: what an existing botbuilder bot needs to mount these dialogs, the storage and the
 * adapters. A whole bot is one call: `const app = await createBijliMitra(loadConfig())`, then route an adapter's
 * turns to `app.bot.run` after `app.prepareAdapter(adapter)`.
 */
export { createBijliMitra, BijliMitra, BijliMitraOverrides } from './createBijliMitra';
export { loadConfig, AppConfig, ConfigError } from './config';
export { startServer, BotServer } from './server';
export { Logger, maskNumbers } from './logger';
export { BijliMitraBot } from './bot/BijliMitraBot';
export { trustedSenderPhone } from './bot/trustedSenderPhone';
export { vouchForSenderPhone } from '../adapters/shared/senderPhone';
export { ChannelOutput, ChoiceButton } from './bot/ChannelOutput';
export { ChoiceCapabilities } from '../adapters/shared/choices';
export { TurnData } from './bot/TurnData';
export { openDatabase, createDataSource, ENTITIES, MIGRATIONS } from './data/createDataSource';
export { Database } from './data/Database';
export { CsvImporter, ImportReport } from './data/CsvImporter';
export { seedDemoData } from './data/demoData';
export { TypeOrmStorage } from './storage/TypeOrmStorage';
export { KeyedLock } from './inbox/KeyedLock';
export { IntentRecognizer, Recognizer, Recognition, Intent, INTENTS } from './nlu/IntentRecognizer';
export { detectLanguage, DetectedLanguage } from './nlu/detectLanguage';
export { extractEntities, parseAccountNumber, parseMobileNumber, Entity } from './nlu/extractEntities';
export { recognizeNumbers, recognizeOrdinals, recognizeCurrency } from './nlu/hindi/recognizeNumbers';
export { recognizePercent } from './nlu/hindi/recognizePercent';
export { recognizePhoneNumbers } from './nlu/hindi/recognizePhoneNumbers';
export { extractDates, parseDates, sinceWhen } from './nlu/hindiDates';
export { Translator, Language, LANGUAGES, TranslateFn } from './i18n/Translator';
export { UtilityBackend, ConsumerRecord, MeterRecord, BillRecord } from './services/UtilityBackend';
export { DatabaseUtilityBackend } from './services/DatabaseUtilityBackend';
export { SmsSender } from './services/SmsSender';
export { HttpSmsSender } from './services/HttpSmsSender';
export { LogSmsSender } from './services/LogSmsSender';
export { ComplaintCategories, ComplaintCategory } from './services/ComplaintCategories';
export { MainDialog } from '../dialogs/MainDialog';
export { ComplaintDialog } from '../dialogs/ComplaintDialog';
export { ComplaintStatusDialog } from '../dialogs/ComplaintStatusDialog';
export { BillDialog } from '../dialogs/BillDialog';
export { MeterDialog } from '../dialogs/MeterDialog';
export { MeterReadingDialog } from '../dialogs/MeterReadingDialog';
export { HandoffDialog } from '../dialogs/HandoffDialog';
export { DialogServices } from '../dialogs/DialogServices';
export { SerializeTurnsMiddleware } from './inbox/SerializeTurnsMiddleware';
export { createEmulatorAdapter } from '../adapters/emulator/createEmulatorAdapter';
export { TerminalAdapter } from '../adapters/terminal/TerminalAdapter';
