import { maskNumbers } from '../../adapters/shared/maskNumbers';
import { LiveChat } from '../data/entities/LiveChat';
import { LiveChatMessage } from '../data/entities/LiveChatMessage';
import { Official } from '../data/entities/Official';
import { formatDateTime } from '../i18n/format';
import type { AnswerRate } from '../services/LiveChatService';
import type { LiveChatRow } from './ConsoleLiveChats';
import { html, SafeHtml } from './html';
import { csrfField, layout, ViewContext } from './views';

/** Whether live chat is open, and its hours, as the pages say it. */
export interface LiveChatHours {
    open: boolean;
    /** `08:00–20:00`; empty when live chat is off. */
    hours: string;
}

/** The consumer as the console names them: channel and their id with long numbers masked (a WhatsApp id is a phone). */
function consumerLabel(chat: LiveChat): string {
    return `${chat.channel} ${maskNumbers(chat.channelUserId)}`;
}

function areaLabel(ctx: ViewContext, chat: LiveChat): string {
    return chat.subdivision ?? ctx.t('console:noSubdivision');
}

function hoursNotice(ctx: ViewContext, live: LiveChatHours): SafeHtml | string {
    if (live.open) return '';
    return html`<p class="card muted" id="live-closed">${live.hours ? ctx.t('console:live.closed', { hours: live.hours }) : ctx.t('console:live.off')}</p>`;
}

function stateText(ctx: ViewContext, row: LiveChatRow): string {
    const { t } = ctx;
    const parts: string[] = [];
    if (row.chat.heldBy !== null) {
        parts.push(row.chat.heldBy === ctx.official?.id ? t('console:live.heldByYou') : t('console:live.heldBy', { name: row.holder?.name ?? '?' }));
    } else parts.push(t('console:live.withBot'));
    if (row.chat.waitingSince) parts.push(t('console:live.waiting', { time: formatDateTime(row.chat.waitingSince, ctx.language) }));
    if (row.openCallback) parts.push(t('console:live.callback'));
    return parts.join(' · ');
}

/** The chats of the official's scope; outside live-chat hours the page says so and offers nothing. */
export function liveChatsPage(ctx: ViewContext, data: { rows: LiveChatRow[]; live: LiveChatHours; days: number }): string {
    const { t } = ctx;
    const label = (key: string) => t(`console:live.col.${key}`);
    const rows = data.rows.map(
        (row) => html`<tr data-chat="${row.chat.id}" class="${row.chat.waitingSince ? 'breached' : ''}">
<td data-label="${label('consumer')}">${consumerLabel(row.chat)}</td>
<td data-label="${label('area')}">${areaLabel(ctx, row.chat)}</td>
<td data-label="${label('last')}">${row.chat.lastInboundAt ? formatDateTime(row.chat.lastInboundAt, ctx.language) : '—'}</td>
<td data-label="${label('state')}">${stateText(ctx, row)}</td>
<td data-label="${label('open')}">${data.live.open ? html`<a href="/console/conversations/${row.chat.id}">${t('console:live.openChat')}</a>` : '—'}</td>
</tr>`
    );
    const body = html`<h1>${t('console:live.title')}</h1>
${hoursNotice(ctx, data.live)}
${
    data.live.open
        ? html`<p>${t('console:live.intro', { days: data.days })}</p>
${
    rows.length === 0
        ? html`<p id="live-empty">${t('console:live.empty')}</p>`
        : html`<div class="table-wrap"><table id="live-chats" class="cards">
<thead><tr><th>${label('consumer')}</th><th>${label('area')}</th><th>${label('last')}</th><th>${label('state')}</th><th>${label('open')}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
}`
        : ''
}`;
    return layout(ctx, t('console:live.title'), body);
}

/** One line of the transcript; numbers in it masked, as everywhere in the console. */
function line(ctx: ViewContext, message: LiveChatMessage, officials: Map<number, Official>): SafeHtml {
    const { t } = ctx;
    const author =
        message.author === 'official'
            ? t('console:live.author.official', { name: officials.get(message.officialId ?? -1)?.name ?? '?' })
            : t(`console:live.author.${message.author}`);
    const failed = message.status === 'failed' || message.status === 'undeliverable';
    return html`<li class="line ${message.author}" data-author="${message.author}"${failed ? html` data-failed="${message.errorCode ?? ''}"` : ''}>
<span class="who">${author}</span> <time>${formatDateTime(message.createdAt, ctx.language)}</time>${failed ? html` <span class="badge breached">${t(`console:live.delivery.${message.status}`)}</span>` : ''}
<div class="text">${maskNumbers(message.text)}</div></li>`;
}

/**
 * One chat: the transcript and, during live-chat hours, "Take over" (when nobody holds it), or the reply form and
 * "Hand back to the bot" (for the holder). Another official's hold is named, and nothing is offered.
 */
export function liveChatPage(
    ctx: ViewContext,
    data: {
        row: LiveChatRow;
        transcript: LiveChatMessage[];
        officials: Map<number, Official>;
        live: LiveChatHours;
        idleMinutes: number;
        whatsappWindowClosed: boolean;
    }
): string {
    const { t } = ctx;
    const { chat, holder } = data.row;
    const mine = chat.heldBy !== null && chat.heldBy === ctx.official?.id;
    const action = `/console/conversations/${chat.id}`;
    let controls: SafeHtml | string = '';
    if (mine) {
        controls = html`${data.whatsappWindowClosed ? html`<p class="card flash error" id="whatsapp-window">${t('console:live.whatsappWindow')}</p>` : ''}
<form method="post" action="${action}/reply" id="live-reply" class="card">${csrfField(ctx)}
<label for="reply-text">${t('console:live.replyLabel')}</label>
<textarea id="reply-text" name="text" maxlength="2000" rows="3" required></textarea>
<button type="submit">${t('console:live.send')}</button></form>
<form method="post" action="${action}/hand-back" id="live-hand-back">${csrfField(ctx)}<button type="submit">${t('console:live.handBack')}</button></form>
<p class="muted">${t('console:live.idleHint', { minutes: data.idleMinutes })}</p>`;
    } else if (chat.heldBy !== null) {
        controls = html`<p class="card" id="held-by-other">${t('console:live.heldByOther', { name: holder?.name ?? '?' })}</p>`;
    } else if (data.live.open) {
        controls = html`<form method="post" action="${action}/take-over" id="live-take-over">${csrfField(ctx)}<button type="submit">${t('console:live.takeOver')}</button></form>
<p class="muted">${t('console:live.takeOverHint')}</p>`;
    }
    const body = html`<h1>${t('console:live.chatTitle', { consumer: consumerLabel(chat) })}</h1>
<p>${t('console:live.channel', { channel: chat.channel })} · ${areaLabel(ctx, chat)} · ${stateText(ctx, data.row)}</p>
${hoursNotice(ctx, data.live)}
${controls}
<h2>${t('console:live.transcript')}</h2>
${
    data.transcript.length === 0
        ? html`<p class="muted">${t('console:live.noMessages')}</p>`
        : html`<ol id="transcript" class="transcript">${data.transcript.map((m) => line(ctx, m, data.officials))}</ol>`
}`;
    return layout(ctx, t('console:live.title'), body);
}

/** The dashboard's answer-rate table: callbacks answered by their due time, live-chat messages answered in time. */
export function answerRateSection(ctx: ViewContext, data: { rates: AnswerRate[]; officials: Official[]; days: number; minutes: number }): SafeHtml {
    const { t } = ctx;
    const byId = new Map(data.officials.map((o) => [o.id, o]));
    const rate = (done: number, total: number) =>
        total === 0
            ? t('console:dashboard.answerRate.none')
            : t('console:dashboard.answerRate.rate', { done, total, percent: Math.round((100 * done) / total) });
    const rows = data.rates
        .filter((r) => r.callbacksDue > 0 || r.chatMessages > 0)
        .map((r) => {
            const official = byId.get(r.officialId);
            return html`<tr data-official="${official?.username ?? r.officialId}">
<td>${official ? t('console:officialName', { name: official.name, level: official.level }) : String(r.officialId)}</td>
<td class="callbacks">${rate(r.callbacksInTime, r.callbacksDue)}</td>
<td class="chats">${rate(r.chatAnswered, r.chatMessages)}</td></tr>`;
        });
    return html`<h2>${t('console:dashboard.answerRate.title', { days: data.days })}</h2>
<p class="muted">${t('console:dashboard.answerRate.intro', { minutes: data.minutes })}</p>
${
    rows.length === 0
        ? html`<p class="card muted" id="answer-rates-empty">${t('console:dashboard.answerRate.empty')}</p>`
        : html`<div class="table-wrap"><table id="answer-rates"><thead><tr><th>${t('console:dashboard.answerRate.official')}</th><th>${t(
              'console:dashboard.answerRate.callbacks'
          )}</th><th>${t('console:dashboard.answerRate.chats')}</th></tr></thead><tbody>${rows}</tbody></table></div>`
}`;
}
