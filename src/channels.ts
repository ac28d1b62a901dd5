import { messengerChannel } from '../adapters/facebook/messengerChannel';
import { ChannelDescriptor } from '../adapters/shared/ChannelDescriptor';
import { twitterChannel } from '../adapters/twitter/twitterChannel';
import { whatsAppChannel } from '../adapters/whatsapp/whatsAppChannel';

/**
 * Every platform channel the server can serve, in start-up order. A new channel is its folder under `adapters/` (with
 * a {@link ChannelDescriptor}) plus one line here: settings, webhook route, metrics label and start-up message follow.
 */
export const CHANNELS: ReadonlyArray<ChannelDescriptor<any>> = [whatsAppChannel, messengerChannel, twitterChannel];
