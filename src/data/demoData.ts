import { DataSource, In } from 'typeorm';
import { hashPassword, verifyPassword } from './passwords';
import { Bill } from './entities/Bill';
import { AreaClass, Consumer } from './entities/Consumer';
import { Meter, MeterType } from './entities/Meter';
import { Official, OfficialLevel } from './entities/Official';
import { OrgUnit } from './entities/OrgUnit';

/**
 * Deterministic demo data: 26 consumers across the five UPPCL discoms with eight monthly bills each. Everything is
 * derived from the table below and a PRNG seeded per account, never from the clock or Math.random, so every seed run
 * and every machine produce the same rows.
 *
 * The people, numbers and addresses are invented. The mobiles are well-formed but may still belong to someone, so a
 * demo must never send real SMS to them.
 */

/** Bill months of the demo data, oldest first. */
export const DEMO_BILL_MONTHS: readonly string[] = ['2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'];

/** Date of every demo meter's last reading (the reading behind the 2026-10 bill). */
export const DEMO_LAST_READING_DATE = '2026-10-28';

/** A demo consumer: the columns of {@link Consumer} (tariff narrowed to the demo's) and what its bills are made of. */
interface DemoSpec extends Pick<Consumer, 'accountNumber' | 'name' | 'registeredMobile' | 'address' | 'discom' | 'division' | 'subdivision' | 'areaClass'> {
    tariffCategory: 'LMV-1' | 'LMV-2' | 'LMV-5';
    meterNumber: string;
    meterType: MeterType;
    /** Rupees; prepaid meters only. */
    prepaidBalance?: number;
    /** Typical monthly kWh in a mild month; the season scales it. */
    baseUnits: number;
    /** Leaves the 2026-10 bill unpaid. */
    latestUnpaid?: boolean;
    /** Nothing was paid from this bill month on, so each later bill carries the earlier ones as arrears. */
    unpaidFrom?: string;
    /** Rupees owed from before 2026-03 (e.g. a disputed old demand), carried on every bill. */
    openingArrears?: number;
}

// The first three rows are the README's demo accounts; keep them in this order.
const SPECS: readonly DemoSpec[] = [
    {
        accountNumber: '1234567890',
        name: 'Rajesh Kumar Srivastava',
        registeredMobile: '9415012345',
        address: 'B-2/145, Vibhuti Khand, Gomti Nagar, Lucknow 226010',
        discom: 'MVVNL',
        division: 'EUDD Gomti Nagar, Lucknow',
        subdivision: 'Vibhuti Khand',
        tariffCategory: 'LMV-1',
        areaClass: 'city',
        meterNumber: 'UPM10234567',
        meterType: 'postpaid',
        baseUnits: 230,
        latestUnpaid: true,
    },
    {
        accountNumber: '2468013579',
        name: 'Priya Sharma',
        registeredMobile: '9758123460',
        address: 'H-43, Sector 3, Shastri Nagar, Meerut 250004',
        discom: 'PVVNL',
        division: 'EUDD-II Meerut',
        subdivision: 'Shastri Nagar',
        tariffCategory: 'LMV-1',
        areaClass: 'urban',
        meterNumber: 'GNS26041187',
        meterType: 'smart-prepaid',
        prepaidBalance: 620.75,
        baseUnits: 190,
    },
    {
        accountNumber: '3692581470',
        name: 'Ramesh Chandra Maurya',
        registeredMobile: '7398456120',
        address: 'Village Kachnar, Post Rajatalab, Varanasi 221311',
        discom: 'PuVVNL',
        division: 'EDD-II Varanasi (Rural)',
        subdivision: 'Rajatalab',
        tariffCategory: 'LMV-1',
        areaClass: 'rural',
        meterNumber: 'UPM20418833',
        meterType: 'postpaid',
        baseUnits: 120,
        latestUnpaid: true,
    },
    // MVVNL
    {
        accountNumber: '4410235867',
        name: 'Sunita Verma',
        registeredMobile: '8299034517',
        address: 'C-512, Sector H, Aliganj, Lucknow 226024',
        discom: 'MVVNL',
        division: 'EUDD Aliganj, Lucknow',
        subdivision: 'Kapoorthala',
        tariffCategory: 'LMV-1',
        areaClass: 'city',
        meterNumber: 'GNS25118402',
        meterType: 'smart-prepaid',
        prepaidBalance: 1845.3,
        baseUnits: 260,
    },
    {
        accountNumber: '5127730941',
        name: 'Ramkali Rawat',
        registeredMobile: '6392817405',
        address: 'Village Nagram, Tehsil Mohanlalganj, Lucknow 226303',
        discom: 'MVVNL',
        division: 'EDD Mohanlalganj, Lucknow',
        subdivision: 'Nagram',
        tariffCategory: 'LMV-1',
        areaClass: 'rural',
        meterNumber: 'UPM10877215',
        meterType: 'postpaid',
        baseUnits: 95,
        latestUnpaid: true,
    },
    {
        accountNumber: '6630418825',
        name: 'Ram Prakash Tiwari',
        registeredMobile: '9839217764',
        address: 'Shop 14, Rikabganj Market, Ayodhya 224001',
        discom: 'MVVNL',
        division: 'EUDD Ayodhya',
        subdivision: 'Rikabganj',
        tariffCategory: 'LMV-2',
        areaClass: 'urban',
        meterNumber: 'UPM11302948',
        meterType: 'postpaid',
        baseUnits: 310,
        latestUnpaid: true,
    },
    {
        accountNumber: '7081926354',
        name: 'Shiv Kumar Yadav',
        registeredMobile: '9956301872',
        address: 'Village Raunahi, Tehsil Sohawal, Ayodhya 224182',
        discom: 'MVVNL',
        division: 'EDD-II Ayodhya',
        subdivision: 'Sohawal',
        tariffCategory: 'LMV-5',
        areaClass: 'rural',
        meterNumber: 'UPM11529036',
        meterType: 'postpaid',
        baseUnits: 420,
    },
    // PVVNL
    {
        accountNumber: '8152047736',
        name: 'Naresh Pal Singh',
        registeredMobile: '9412789053',
        address: 'Village Kaili, Post Daurala, Meerut 250221',
        discom: 'PVVNL',
        division: 'EDD Sardhana, Meerut',
        subdivision: 'Daurala',
        tariffCategory: 'LMV-1',
        areaClass: 'rural',
        meterNumber: 'UPM20034471',
        meterType: 'postpaid',
        baseUnits: 150,
    },
    {
        accountNumber: '2193075548',
        name: 'Ankit Gupta',
        registeredMobile: '8826451739',
        address: 'Flat 1204, Tower C, Shipra Suncity, Indirapuram, Ghaziabad 201014',
        discom: 'PVVNL',
        division: 'EUDD-III Ghaziabad',
        subdivision: 'Indirapuram',
        tariffCategory: 'LMV-1',
        areaClass: 'urban',
        meterNumber: 'SEC25220917',
        meterType: 'smart-prepaid',
        prepaidBalance: 3210.0,
        baseUnits: 280,
    },
    {
        accountNumber: '3305871962',
        name: 'Mohd. Irfan Qureshi',
        registeredMobile: '9897340216',
        address: 'KA-112, Kavi Nagar, Ghaziabad 201002',
        discom: 'PVVNL',
        division: 'EUDD-I Ghaziabad',
        subdivision: 'Raj Nagar',
        tariffCategory: 'LMV-2',
        areaClass: 'urban',
        meterNumber: 'UPM20566108',
        meterType: 'postpaid',
        baseUnits: 380,
        latestUnpaid: true,
    },
    {
        accountNumber: '4527390016',
        name: 'Neha Agarwal',
        registeredMobile: '9810672354',
        address: 'D-87, Sector 26, Noida, Gautam Buddh Nagar 201301',
        discom: 'PVVNL',
        division: 'EUDD-I Noida',
        subdivision: 'Sector 18',
        tariffCategory: 'LMV-1',
        areaClass: 'urban',
        meterNumber: 'GNS25309964',
        meterType: 'smart-prepaid',
        prepaidBalance: -412.6,
        baseUnits: 280,
        latestUnpaid: true,
    },
    {
        accountNumber: '5748102693',
        name: 'Vikas Chauhan',
        registeredMobile: '7011825947',
        address: 'House 219, Village Chhalera, Sector 44, Noida 201303',
        discom: 'PVVNL',
        division: 'EUDD-II Noida',
        subdivision: 'Sector 62',
        tariffCategory: 'LMV-1',
        areaClass: 'urban',
        meterNumber: 'UPP30112874',
        meterType: 'prepaid',
        prepaidBalance: 508.0,
        baseUnits: 170,
    },
    // DVVNL
    {
        accountNumber: '6819247305',
        name: 'Bhagwan Singh Kushwaha',
        registeredMobile: null,
        address: 'Village Midhakur, Tehsil Kiraoli, Agra 283122',
        discom: 'DVVNL',
        division: 'EDD-III Agra',
        subdivision: 'Kiraoli',
        tariffCategory: 'LMV-1',
        areaClass: 'rural',
        meterNumber: 'UPM30271590',
        meterType: 'postpaid',
        baseUnits: 110,
        latestUnpaid: true,
    },
    {
        accountNumber: '7930462158',
        name: 'Harvir Singh',
        registeredMobile: '9758604213',
        address: 'Village Barhan, Tehsil Etmadpur, Agra 283202',
        discom: 'DVVNL',
        division: 'EDD-II Agra',
        subdivision: 'Etmadpur',
        tariffCategory: 'LMV-5',
        areaClass: 'rural',
        meterNumber: 'UPM30398821',
        meterType: 'postpaid',
        baseUnits: 460,
    },
    {
        accountNumber: '8041573269',
        name: 'Farhana Begum',
        registeredMobile: '9536718402',
        address: '4/221, Dodhpur Road, Civil Lines, Aligarh 202002',
        discom: 'DVVNL',
        division: 'EUDD-I Aligarh',
        subdivision: 'Centre Point',
        tariffCategory: 'LMV-1',
        areaClass: 'urban',
        meterNumber: 'UPM30455176',
        meterType: 'postpaid',
        baseUnits: 210,
        latestUnpaid: true,
    },
    {
        accountNumber: '9162684370',
        name: 'Deepak Varshney',
        registeredMobile: '8171294530',
        address: '12/87, Sarai Sultani, Aligarh 202001',
        discom: 'DVVNL',
        division: 'EUDD-II Aligarh',
        subdivision: 'Sasni Gate',
        tariffCategory: 'LMV-1',
        areaClass: 'urban',
        meterNumber: 'LNT25407731',
        meterType: 'smart-prepaid',
        prepaidBalance: 95.4,
        baseUnits: 240,
    },
    {
        accountNumber: '1073795481',
        name: 'Omveer Singh',
        registeredMobile: '6398145027',
        address: 'Village Jattari Road, Post Khair, Aligarh 202138',
        discom: 'DVVNL',
        division: 'EDD Khair, Aligarh',
        subdivision: 'Khair',
        tariffCategory: 'LMV-1',
        areaClass: 'rural',
        meterNumber: 'UPM30612048',
        meterType: 'postpaid',
        baseUnits: 130,
        unpaidFrom: '2026-08',
    },
    // PuVVNL
    {
        accountNumber: '1284806592',
        name: 'Anjali Mishra',
        registeredMobile: '9450983716',
        address: 'B 31/42, Lanka, Varanasi 221005',
        discom: 'PuVVNL',
        division: 'EUDD-I Varanasi',
        subdivision: 'Lanka',
        tariffCategory: 'LMV-1',
        areaClass: 'city',
        meterNumber: 'GNS25512640',
        meterType: 'smart-prepaid',
        prepaidBalance: 1402.0,
        baseUnits: 250,
    },
    {
        accountNumber: '2395917603',
        name: 'Saurabh Jaiswal',
        registeredMobile: '9839560148',
        address: 'C 21/34, Maldahiya, Varanasi 221002',
        discom: 'PuVVNL',
        division: 'EUDD-V Varanasi',
        subdivision: 'Sigra',
        tariffCategory: 'LMV-2',
        areaClass: 'city',
        meterNumber: 'UPM40128573',
        meterType: 'postpaid',
        baseUnits: 340,
    },
    {
        accountNumber: '3406028714',
        name: 'Manoj Kumar Tripathi',
        registeredMobile: '7007318264',
        address: '56, Civil Lines, Golghar, Gorakhpur 273001',
        discom: 'PuVVNL',
        division: 'EUDD-I Gorakhpur',
        subdivision: 'Golghar',
        tariffCategory: 'LMV-1',
        areaClass: 'urban',
        meterNumber: 'UPP40237719',
        meterType: 'prepaid',
        prepaidBalance: 1130.2,
        baseUnits: 220,
    },
    {
        accountNumber: '4517139825',
        name: 'Lalita Devi',
        registeredMobile: null,
        address: 'Village Jangal Dhusan, Post Pipraich, Gorakhpur 273152',
        discom: 'PuVVNL',
        division: 'EDD-III Gorakhpur',
        subdivision: 'Pipraich',
        tariffCategory: 'LMV-1',
        areaClass: 'rural',
        meterNumber: 'UPM40346902',
        meterType: 'postpaid',
        baseUnits: 90,
        unpaidFrom: '2026-09',
        openingArrears: 2340,
    },
    {
        accountNumber: '5628240936',
        name: 'Shabnam Ansari',
        registeredMobile: '8765209314',
        address: 'Mohalla Rasoolpur, Mohaddipur, Gorakhpur 273008',
        discom: 'PuVVNL',
        division: 'EUDD-II Gorakhpur',
        subdivision: 'Mohaddipur',
        tariffCategory: 'LMV-1',
        areaClass: 'urban',
        meterNumber: 'SEC25631085',
        meterType: 'smart-prepaid',
        prepaidBalance: -1186.25,
        baseUnits: 200,
        latestUnpaid: true,
    },
    // KESCo
    {
        accountNumber: '6739351047',
        name: 'Alok Bajpai',
        registeredMobile: '9335127480',
        address: '128/456, Y-Block, Kidwai Nagar, Kanpur 208011',
        discom: 'KESCo',
        division: 'EDD-IV KESCo',
        subdivision: 'Kidwai Nagar',
        tariffCategory: 'LMV-1',
        areaClass: 'city',
        meterNumber: 'UPM50219364',
        meterType: 'postpaid',
        baseUnits: 270,
    },
    {
        accountNumber: '7840462158',
        name: 'Pooja Kapoor',
        registeredMobile: '9918470326',
        address: '7/125, Swaroop Nagar, Kanpur 208002',
        discom: 'KESCo',
        division: 'EDD-I KESCo',
        subdivision: 'Swaroop Nagar',
        tariffCategory: 'LMV-1',
        areaClass: 'city',
        meterNumber: 'GNS25740218',
        meterType: 'smart-prepaid',
        prepaidBalance: 2750.5,
        baseUnits: 285,
    },
    {
        accountNumber: '8951573269',
        name: 'Mohd. Salim Siddiqui',
        registeredMobile: '6306492718',
        address: '96/1, Indira Nagar, Kalyanpur, Kanpur 208017',
        discom: 'KESCo',
        division: 'EDD-VI KESCo',
        subdivision: 'Kalyanpur',
        tariffCategory: 'LMV-1',
        areaClass: 'city',
        meterNumber: 'UPP50327741',
        meterType: 'prepaid',
        prepaidBalance: -238.0,
        baseUnits: 160,
        latestUnpaid: true,
    },
    {
        accountNumber: '9062684381',
        name: 'Sanjay Gupta',
        registeredMobile: '9793015628',
        address: '117/K-28, Gutaiya, Dada Nagar, Kanpur 208022',
        discom: 'KESCo',
        division: 'EDD-III KESCo',
        subdivision: 'Govind Nagar',
        tariffCategory: 'LMV-1',
        areaClass: 'city',
        meterNumber: 'UPM50436197',
        meterType: 'postpaid',
        baseUnits: 240,
        unpaidFrom: '2026-07',
        openingArrears: 1850,
    },
    // Three neighbours of 1234567890 on the same transformer (VIBHUTIKHAND-DT1), for the outage walk-through: the
    // third of their reports makes an incident, and the fourth reporter is answered from it at once.
    ...[
        ['1234567801', 'Kamla Devi', '9415012351', 'B-2/151, Vibhuti Khand, Gomti Nagar, Lucknow 226010', 'UPM10234571'],
        ['1234567802', 'Arvind Nigam', '9415012352', 'B-2/163, Vibhuti Khand, Gomti Nagar, Lucknow 226010', 'UPM10234572'],
        ['1234567803', 'Sadaf Rizvi', '9415012353', 'B-3/12, Vibhuti Khand, Gomti Nagar, Lucknow 226010', 'UPM10234573'],
    ].map(([accountNumber, name, registeredMobile, address, meterNumber]): DemoSpec => ({
        accountNumber,
        name,
        registeredMobile,
        address,
        discom: 'MVVNL',
        division: 'EUDD Gomti Nagar, Lucknow',
        subdivision: 'Vibhuti Khand',
        tariffCategory: 'LMV-1',
        areaClass: 'city',
        meterNumber,
        meterType: 'postpaid',
        baseUnits: 210,
    })),
];

/** mulberry32: a tiny, well-mixed 32-bit PRNG, good enough for plausible demo figures. */
function prng(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** FNV-1a, so each account gets its own PRNG stream and editing one row leaves the others unchanged. */
function seedOf(text: string): number {
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    return hash >>> 0;
}

// Season multipliers for 2026-03…2026-10: household load peaks with summer cooling; pumps run before the monsoon
// and for rabi sowing, and rest in July–August.
const HOUSEHOLD_SEASON = [0.8, 1.05, 1.35, 1.5, 1.4, 1.3, 1.15, 0.9];
const PUMP_SEASON = [1.0, 1.2, 1.4, 1.3, 0.5, 0.4, 0.7, 1.1];
const UNIT_RANGE: Record<DemoSpec['tariffCategory'], [number, number]> = { 'LMV-1': [80, 450], 'LMV-2': [120, 900], 'LMV-5': [60, 900] };

interface Slab {
    upTo: number;
    paisePerUnit: number;
}
interface Tariff {
    fixedPaise: number;
    slabs: Slab[];
}

// Illustrative figures in the shape of the UPERC rate schedule, not the current tariff order: fixed charge for an
// assumed load (2 kW domestic, 3 kW shop, 5 HP pump) plus energy slabs.
const TARIFFS: Record<string, Tariff> = {
    'LMV-1/urban': {
        fixedPaise: 22000,
        slabs: [
            { upTo: 150, paisePerUnit: 550 },
            { upTo: 300, paisePerUnit: 600 },
            { upTo: Infinity, paisePerUnit: 650 },
        ],
    },
    'LMV-1/rural': {
        fixedPaise: 18000,
        slabs: [
            { upTo: 100, paisePerUnit: 335 },
            { upTo: 150, paisePerUnit: 385 },
            { upTo: 300, paisePerUnit: 500 },
            { upTo: Infinity, paisePerUnit: 550 },
        ],
    },
    'LMV-2': {
        fixedPaise: 99000,
        slabs: [
            { upTo: 300, paisePerUnit: 750 },
            { upTo: Infinity, paisePerUnit: 840 },
        ],
    },
    'LMV-5': { fixedPaise: 35000, slabs: [{ upTo: Infinity, paisePerUnit: 200 }] },
};

/** Electricity duty as a percentage of fixed plus energy charges. */
const DUTY_PERCENT = 5;

/**
 * Amount of a demo bill in paise: fixed charge plus slab energy charges plus electricity duty, rounded to whole
 * rupees as printed bills are. Illustrative only; the real tariff order has more categories and surcharges.
 */
export function demoBillAmountPaise(units: number, tariffCategory: string, areaClass: AreaClass): number {
    const key = tariffCategory === 'LMV-1' ? `LMV-1/${areaClass === 'rural' ? 'rural' : 'urban'}` : tariffCategory;
    const tariff = TARIFFS[key];
    if (!tariff) throw new Error(`no demo tariff for ${tariffCategory}`);
    let energy = 0;
    let from = 0;
    for (const slab of tariff.slabs) {
        if (units <= from) break;
        energy += (Math.min(units, slab.upTo) - from) * slab.paisePerUnit;
        from = slab.upTo;
    }
    const beforeDuty = tariff.fixedPaise + energy;
    const withDuty = beforeDuty + Math.round((beforeDuty * DUTY_PERCENT) / 100);
    return Math.round(withDuty / 100) * 100;
}

/** `YYYY-MM-DD` plus `days`, in UTC so that the host's time zone never shifts a date. */
function addDays(isoDate: string, days: number): string {
    const date = new Date(`${isoDate}T00:00:00Z`);
    date.setUTCDate(date.getUTCDate() + days);
    return date.toISOString().slice(0, 10);
}

/** Due date of a bill month: the 15th of the following month. */
function dueDateOf(billMonth: string): string {
    const [year, month] = billMonth.split('-').map(Number);
    const next = month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
    return `${next}-15`;
}

interface Generated {
    consumer: Consumer;
    meter: Meter;
    bills: Omit<Bill, 'id'>[];
}

function generate(spec: DemoSpec): Generated {
    const random = prng(seedOf(spec.accountNumber));
    const season = spec.tariffCategory === 'LMV-5' ? PUMP_SEASON : HOUSEHOLD_SEASON;
    const [minUnits, maxUnits] = UNIT_RANGE[spec.tariffCategory];
    const startReading = Math.floor((spec.tariffCategory === 'LMV-5' ? 10000 : 3000) + random() * 22000);

    const openingArrearsPaise = Math.round((spec.openingArrears ?? 0) * 100);
    let unpaidCarried = 0;
    let totalUnits = 0;
    const bills: Omit<Bill, 'id'>[] = DEMO_BILL_MONTHS.map((billMonth, index) => {
        const jitter = 0.9 + random() * 0.2;
        const units = Math.min(maxUnits, Math.max(minUnits, Math.round(spec.baseUnits * season[index] * jitter)));
        totalUnits += units;
        const amountPaise = demoBillAmountPaise(units, spec.tariffCategory, spec.areaClass);
        const dueDate = dueDateOf(billMonth);
        const isLatest = index === DEMO_BILL_MONTHS.length - 1;
        const unpaid = (spec.unpaidFrom !== undefined && billMonth >= spec.unpaidFrom) || (isLatest && spec.latestUnpaid === true);
        // Draw the payment offset even for unpaid bills so that flipping one flag leaves later months unchanged.
        const daysBeforeDue = 1 + Math.floor(random() * 12);
        const bill: Omit<Bill, 'id'> = {
            accountNumber: spec.accountNumber,
            billMonth,
            units,
            amountPaise,
            arrearsPaise: openingArrearsPaise + unpaidCarried,
            dueDate,
            paid: !unpaid,
            paymentDate: unpaid ? null : addDays(dueDate, -daysBeforeDue),
        };
        if (unpaid) unpaidCarried += amountPaise;
        return bill;
    });

    const consumer: Consumer = {
        accountNumber: spec.accountNumber,
        name: spec.name,
        registeredMobile: spec.registeredMobile,
        address: spec.address,
        discom: spec.discom,
        division: spec.division,
        subdivision: spec.subdivision,
        tariffCategory: spec.tariffCategory,
        areaClass: spec.areaClass,
        // One feeder and one transformer per demo subdivision, so the demo shows transformer incidents.
        feederCode: `${networkSlug(spec.subdivision)}-F1`,
        dtCode: `${networkSlug(spec.subdivision)}-DT1`,
    };
    const meter: Meter = {
        meterNumber: spec.meterNumber,
        accountNumber: spec.accountNumber,
        meterType: spec.meterType,
        lastReading: startReading + totalUnits,
        lastReadingDate: DEMO_LAST_READING_DATE,
        prepaidBalancePaise: spec.meterType === 'postpaid' ? null : Math.round((spec.prepaidBalance ?? 0) * 100),
    };
    return { consumer, meter, bills };
}

/** "Vibhuti Khand" → "VIBHUTIKHAND": the demo's feeder and transformer codes are built from it. */
function networkSlug(subdivision: string): string {
    return subdivision.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

const GENERATED = SPECS.map(generate);

/** The demo consumers; the first three are the README's demo accounts. */
export const DEMO_CONSUMERS: readonly Consumer[] = GENERATED.map((g) => g.consumer);

/** One meter per demo consumer, its reading equal to a starting reading plus all billed units. */
export const DEMO_METERS: readonly Meter[] = GENERATED.map((g) => g.meter);

/** Eight bills (2026-03…2026-10) per demo consumer. */
export const DEMO_BILLS: readonly Omit<Bill, 'id'>[] = GENERATED.flatMap((g) => g.bills);

/** Account numbers of all demo consumers, in table order. */
export const DEMO_ACCOUNT_NUMBERS: readonly string[] = DEMO_CONSUMERS.map((c) => c.accountNumber);

/** A demo account as the README lists it. */
export interface DemoAccount {
    accountNumber: string;
    name: string;
    registeredMobile: string | null;
    meterNumber: string;
    meterType: MeterType;
    discom: string;
}

/**
 * The three accounts to try in a demo: a Lucknow city postpaid consumer with an unpaid bill (MVVNL), a Meerut urban
 * smart-prepaid consumer (PVVNL) and a rural postpaid consumer in Varanasi district (PuVVNL).
 */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = GENERATED.slice(0, 3).map(({ consumer, meter }) => ({
    accountNumber: consumer.accountNumber,
    name: consumer.name,
    registeredMobile: consumer.registeredMobile,
    meterNumber: meter.meterNumber,
    meterType: meter.meterType,
    discom: consumer.discom,
}));

// Circles and zones are invented but shaped like the discoms' own: each zone holds one or more circles, each circle a
// few divisions. Every demo consumer's division must appear here exactly once.
const DEMO_HIERARCHY: Record<string, Array<{ zone: string; circles: Array<{ circle: string; divisions: string[] }> }>> = {
    MVVNL: [
        {
            zone: 'Lucknow Zone',
            circles: [
                { circle: 'Lucknow Circle-I', divisions: ['EUDD Gomti Nagar, Lucknow', 'EUDD Aliganj, Lucknow'] },
                { circle: 'Lucknow Rural Circle', divisions: ['EDD Mohanlalganj, Lucknow'] },
            ],
        },
        { zone: 'Ayodhya Zone', circles: [{ circle: 'Ayodhya Circle', divisions: ['EUDD Ayodhya', 'EDD-II Ayodhya'] }] },
    ],
    PVVNL: [
        {
            zone: 'Meerut Zone',
            circles: [
                { circle: 'Meerut Circle-I', divisions: ['EUDD-II Meerut'] },
                { circle: 'Meerut Rural Circle', divisions: ['EDD Sardhana, Meerut'] },
            ],
        },
        {
            zone: 'Ghaziabad Zone',
            circles: [
                { circle: 'Ghaziabad Circle', divisions: ['EUDD-I Ghaziabad', 'EUDD-III Ghaziabad'] },
                { circle: 'Noida Circle', divisions: ['EUDD-I Noida', 'EUDD-II Noida'] },
            ],
        },
    ],
    DVVNL: [
        { zone: 'Agra Zone', circles: [{ circle: 'Agra Rural Circle', divisions: ['EDD-II Agra', 'EDD-III Agra'] }] },
        { zone: 'Aligarh Zone', circles: [{ circle: 'Aligarh Circle', divisions: ['EUDD-I Aligarh', 'EUDD-II Aligarh', 'EDD Khair, Aligarh'] }] },
    ],
    PuVVNL: [
        {
            zone: 'Varanasi Zone',
            circles: [
                { circle: 'Varanasi Circle-I', divisions: ['EUDD-I Varanasi', 'EUDD-V Varanasi'] },
                { circle: 'Varanasi Rural Circle', divisions: ['EDD-II Varanasi (Rural)'] },
            ],
        },
        { zone: 'Gorakhpur Zone', circles: [{ circle: 'Gorakhpur Circle', divisions: ['EUDD-I Gorakhpur', 'EUDD-II Gorakhpur', 'EDD-III Gorakhpur'] }] },
    ],
    KESCo: [
        {
            zone: 'KESCo Kanpur Zone',
            circles: [{ circle: 'KESCo Kanpur Circle', divisions: ['EDD-I KESCo', 'EDD-III KESCo', 'EDD-IV KESCo', 'EDD-VI KESCo'] }],
        },
    ],
};

// A second subdivision in the Lucknow demo consumer's division, with its own JE, so that "a JE sees only their own
// subdivision" has a neighbour to be kept out of.
const EXTRA_SUBDIVISIONS: ReadonlyArray<{ discom: string; name: string; division: string }> = [
    { discom: 'MVVNL', name: 'Viraj Khand', division: 'EUDD Gomti Nagar, Lucknow' },
];

/** A row of the org_units table, without its generated id. */
export type DemoOrgUnit = Omit<OrgUnit, 'id'>;

// Approximate centres of three demo subdivisions (read off a map, not an official source), so a shared location can
// be placed in the nearest one in the demo.
const SUBDIVISION_LOCATIONS = new Map<string, { latitude: number; longitude: number }>([
    ['MVVNL\u0000Vibhuti Khand', { latitude: 26.8616, longitude: 80.9925 }],
    ['MVVNL\u0000Viraj Khand', { latitude: 26.8702, longitude: 81.0049 }],
    ['PuVVNL\u0000Rajatalab', { latitude: 25.2319, longitude: 82.8371 }],
]);

function buildOrgUnits(): DemoOrgUnit[] {
    const units: DemoOrgUnit[] = [];
    for (const [discom, zones] of Object.entries(DEMO_HIERARCHY)) {
        for (const { zone, circles } of zones) {
            units.push({ discom, kind: 'zone', name: zone, parentName: null, latitude: null, longitude: null });
            for (const { circle, divisions } of circles) {
                units.push({ discom, kind: 'circle', name: circle, parentName: zone, latitude: null, longitude: null });
                for (const division of divisions) units.push({ discom, kind: 'division', name: division, parentName: circle, latitude: null, longitude: null });
            }
        }
    }
    const subdivisions = [...DEMO_CONSUMERS.map((c) => ({ discom: c.discom, name: c.subdivision, division: c.division })), ...EXTRA_SUBDIVISIONS];
    const seen = new Set<string>();
    for (const { discom, name, division } of subdivisions) {
        const key = `${discom}\u0000${name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const at = SUBDIVISION_LOCATIONS.get(key);
        units.push({ discom, kind: 'subdivision', name, parentName: division, latitude: at?.latitude ?? null, longitude: at?.longitude ?? null });
    }
    return units;
}

/**
 * The demo line hierarchy: every demo consumer's subdivision with its division, circle and zone, plus one extra
 * subdivision (Viraj Khand, beside the Lucknow demo account's Vibhuti Khand).
 */
export const DEMO_ORG_UNITS: readonly DemoOrgUnit[] = buildOrgUnits();

/** A demo console account as the README lists it, with the fields seeded besides. */
export interface DemoOfficial {
    username: string;
    /** Deliberately public: these accounts exist for trying the console, never for a real deployment. */
    password: string;
    level: OfficialLevel;
    unitName: string;
    discom: string;
    name: string;
    mobile: string;
    language: 'hi' | 'en';
    /** Works the discom's triage desk (places complaints nobody could own). */
    triage?: boolean;
}

/** The whole JE → SDO → XEN → SE → CE ladder above each of the three README demo accounts, and the neighbours. */
const LADDER_OFFICIALS: readonly DemoOfficial[] = [
    // Above 1234567890, Vibhuti Khand, MVVNL
    {
        username: 'je.vibhutikhand',
        password: 'demo-je-1',
        level: 'JE',
        discom: 'MVVNL',
        unitName: 'Vibhuti Khand',
        name: 'Amit Kumar Verma',
        mobile: '9415100201',
        language: 'hi',
    },
    {
        username: 'sdo.gomtinagar',
        password: 'demo-sdo-1',
        level: 'SDO',
        discom: 'MVVNL',
        unitName: 'EUDD Gomti Nagar, Lucknow',
        name: 'Pradeep Singh Chauhan',
        mobile: '9415100202',
        language: 'hi',
    },
    {
        username: 'xen.gomtinagar',
        password: 'demo-xen-1',
        level: 'XEN',
        discom: 'MVVNL',
        unitName: 'EUDD Gomti Nagar, Lucknow',
        name: 'Rakesh Chandra Pandey',
        mobile: '9415100203',
        language: 'en',
    },
    {
        username: 'se.lucknow1',
        password: 'demo-se-1',
        level: 'SE',
        discom: 'MVVNL',
        unitName: 'Lucknow Circle-I',
        name: 'Meenakshi Srivastava',
        mobile: '9415100204',
        language: 'en',
    },
    {
        username: 'ce.lucknow',
        password: 'demo-ce-1',
        level: 'CE',
        discom: 'MVVNL',
        unitName: 'Lucknow Zone',
        name: 'Vinod Kumar Awasthi',
        mobile: '9415100205',
        language: 'hi',
    },
    {
        username: 'je.virajkhand',
        password: 'demo-je-4',
        level: 'JE',
        discom: 'MVVNL',
        unitName: 'Viraj Khand',
        name: 'Sandeep Yadav',
        mobile: '8299100206',
        language: 'hi',
    },
    // Above 2468013579, Shastri Nagar, PVVNL
    {
        username: 'je.shastrinagar',
        password: 'demo-je-2',
        level: 'JE',
        discom: 'PVVNL',
        unitName: 'Shastri Nagar',
        name: 'Gaurav Tyagi',
        mobile: '9758100301',
        language: 'hi',
    },
    {
        username: 'sdo.meerut2',
        password: 'demo-sdo-2',
        level: 'SDO',
        discom: 'PVVNL',
        unitName: 'EUDD-II Meerut',
        name: 'Kavita Rani',
        mobile: '9758100302',
        language: 'en',
    },
    {
        username: 'xen.meerut2',
        password: 'demo-xen-2',
        level: 'XEN',
        discom: 'PVVNL',
        unitName: 'EUDD-II Meerut',
        name: 'Satyendra Pal Singh',
        mobile: '9758100303',
        language: 'hi',
    },
    {
        username: 'se.meerut1',
        password: 'demo-se-2',
        level: 'SE',
        discom: 'PVVNL',
        unitName: 'Meerut Circle-I',
        name: 'Anil Kumar Sharma',
        mobile: '9758100304',
        language: 'en',
    },
    {
        username: 'ce.meerut',
        password: 'demo-ce-2',
        level: 'CE',
        discom: 'PVVNL',
        unitName: 'Meerut Zone',
        name: 'Rajendra Prasad Goel',
        mobile: '9758100305',
        language: 'hi',
    },
    // Above 3692581470, Rajatalab, PuVVNL
    {
        username: 'je.rajatalab',
        password: 'demo-je-3',
        level: 'JE',
        discom: 'PuVVNL',
        unitName: 'Rajatalab',
        name: 'Dharmendra Patel',
        mobile: '7398100401',
        language: 'hi',
    },
    {
        username: 'sdo.varanasirural',
        password: 'demo-sdo-3',
        level: 'SDO',
        discom: 'PuVVNL',
        unitName: 'EDD-II Varanasi (Rural)',
        name: 'Arvind Kumar Singh',
        mobile: '7398100402',
        language: 'hi',
    },
    {
        username: 'xen.varanasirural',
        password: 'demo-xen-3',
        level: 'XEN',
        discom: 'PuVVNL',
        unitName: 'EDD-II Varanasi (Rural)',
        name: 'Shailendra Nath Rai',
        mobile: '7398100403',
        language: 'en',
    },
    {
        username: 'se.varanasirural',
        password: 'demo-se-3',
        level: 'SE',
        discom: 'PuVVNL',
        unitName: 'Varanasi Rural Circle',
        name: 'Neelam Dubey',
        mobile: '7398100404',
        language: 'hi',
    },
    {
        username: 'ce.varanasi',
        password: 'demo-ce-3',
        level: 'CE',
        discom: 'PuVVNL',
        unitName: 'Varanasi Zone',
        name: 'Ashok Kumar Upadhyay',
        mobile: '7398100405',
        language: 'en',
    },
    // PuVVNL's triage desk: places complaints nobody could own (a Varanasi place that names no known subdivision).
    {
        username: 'triage.puvvnl',
        password: 'demo-triage-1',
        level: 'SDO',
        discom: 'PuVVNL',
        unitName: 'EDD-II Varanasi (Rural)',
        name: 'Kavita Mishra',
        mobile: '7398100406',
        language: 'hi',
        triage: true,
    },
];

// Invented names for the JEs of the other demo subdivisions, in the order those subdivisions first appear.
const OTHER_JE_NAMES = [
    'Rakesh Pandey',
    'Sunil Kumar Gupta',
    'Pradeep Singh',
    'Anil Kumar Yadav',
    'Manish Tyagi',
    'Rohit Chaudhary',
    'Deepak Sharma',
    'Vivek Saxena',
    'Arun Kumar',
    'Satyendra Singh',
    'Mukesh Varshney',
    'Pankaj Kumar',
    'Nitin Agarwal',
    'Ajay Kumar Rai',
    'Sanjeev Srivastava',
    'Dinesh Prasad',
    'Rajiv Ranjan',
    'Amit Shukla',
    'Vinod Kumar Verma',
    'Shailendra Tripathi',
    'Ravi Shankar',
    'Gaurav Dixit',
    'Harish Chandra',
];

/**
 * A JE for every other demo subdivision, so that a complaint from any demo account has an owner and a due time, as
 * in a real discom where every subdivision has its JE; the triage desk is for places nobody owns.
 */
function otherJuniorEngineers(): DemoOfficial[] {
    const taken = new Set(LADDER_OFFICIALS.filter((o) => o.level === 'JE').map((o) => `${o.discom}\u0000${o.unitName}`));
    const others = DEMO_ORG_UNITS.filter((u) => u.kind === 'subdivision' && !taken.has(`${u.discom}\u0000${u.name}`));
    return others.map((unit, i) => {
        const slug = unit.name.toLowerCase().replace(/[^a-z0-9]+/g, '');
        return {
            username: `je.${slug}`,
            password: `demo-je-${slug}`,
            level: 'JE',
            discom: unit.discom,
            unitName: unit.name,
            name: OTHER_JE_NAMES[i % OTHER_JE_NAMES.length],
            mobile: `70000${String(10000 + i).slice(-5)}`,
            language: i % 2 === 0 ? 'hi' : 'en',
        };
    });
}

/**
 * Demo officials: the whole JE → SDO → XEN → SE → CE ladder above each of the three README demo accounts (Lucknow,
 * Meerut, Varanasi rural), a JE of the neighbouring Viraj Khand subdivision, PuVVNL's triage desk, and a JE for every
 * other demo subdivision. Names and mobiles are invented.
 */
export const DEMO_OFFICIALS: readonly DemoOfficial[] = [...LADDER_OFFICIALS, ...otherJuniorEngineers()];

// scrypt costs tens of milliseconds per password and every test builds a fresh database, so each demo password is
// hashed once per process and the hash reused. Salts then repeat across databases of one process, harmless for
// passwords that are public anyway.
const demoHashes = new Map<string, Promise<string>>();

function demoHash(official: DemoOfficial): Promise<string> {
    let hash = demoHashes.get(official.username);
    if (!hash) {
        hash = hashPassword(official.password);
        demoHashes.set(official.username, hash);
        // A failed hash must not be remembered, or every later seed in this process would fail the same way.
        hash.catch(() => demoHashes.delete(official.username));
    }
    return hash;
}

/** Password hashes to store: the existing one where it still matches the demo password, so a re-seed changes nothing. */
async function demoPasswordHashes(dataSource: DataSource): Promise<Map<string, string>> {
    const existing = new Map(
        (
            await dataSource.getRepository(Official).find({
                where: { username: In(DEMO_OFFICIALS.map((o) => o.username)) },
                select: { username: true, passwordHash: true },
            })
        ).map((o) => [o.username, o.passwordHash])
    );
    const hashes = await Promise.all(
        DEMO_OFFICIALS.map(async (official) => {
            const stored = existing.get(official.username);
            if (stored) {
                const remembered = demoHashes.get(official.username);
                if (remembered && stored === (await remembered)) return stored;
                if (await verifyPassword(official.password, stored)) return stored;
            }
            return demoHash(official);
        })
    );
    return new Map(DEMO_OFFICIALS.map((o, i) => [o.username, hashes[i]]));
}

/** How many rows of each kind the demo data holds. A type, not an interface, so it can be logged as a plain record. */
export type DemoDataCounts = { consumers: number; meters: number; bills: number; orgUnits: number; officials: number };

/**
 * Inserts or refreshes the demo consumers, meters, bills, line hierarchy and officials in one transaction. Upserts
 * keyed like the CSV import (account, meter number, account + bill month, discom + kind + unit name, username) make it
 * idempotent: a second run leaves the same rows and resets any demo row that was changed since, including a demo
 * official's password. Returns how many rows of each kind the demo data holds.
 */
export async function seedDemoData(dataSource: DataSource): Promise<DemoDataCounts> {
    // Hashed before the transaction: on SQLite it would otherwise hold the only connection while scrypt runs.
    const hashes = await demoPasswordHashes(dataSource);
    await dataSource.transaction(async (manager) => {
        // Copies, because the query builder may write generated values back into the objects it is given.
        await manager
            .createQueryBuilder()
            .insert()
            .into(Consumer)
            .values(DEMO_CONSUMERS.map((c) => ({ ...c })))
            .orUpdate(['name', 'registeredMobile', 'address', 'discom', 'division', 'subdivision', 'tariffCategory', 'areaClass'], ['accountNumber'])
            .updateEntity(false)
            .execute();
        await manager
            .createQueryBuilder()
            .insert()
            .into(Meter)
            .values(DEMO_METERS.map((m) => ({ ...m })))
            .orUpdate(['accountNumber', 'meterType', 'lastReading', 'lastReadingDate', 'prepaidBalancePaise'], ['meterNumber'])
            .updateEntity(false)
            .execute();
        await manager
            .createQueryBuilder()
            .insert()
            .into(Bill)
            .values(DEMO_BILLS.map((b) => ({ ...b })))
            .orUpdate(['units', 'amountPaise', 'arrearsPaise', 'dueDate', 'paid', 'paymentDate'], ['accountNumber', 'billMonth'])
            .updateEntity(false)
            .execute();
        await manager
            .createQueryBuilder()
            .insert()
            .into(OrgUnit)
            .values(DEMO_ORG_UNITS.map((u) => ({ ...u })))
            .orUpdate(['parentName', 'latitude', 'longitude'], ['discom', 'kind', 'name'])
            .updateEntity(false)
            .execute();
        await manager
            .createQueryBuilder()
            .insert()
            .into(Official)
            .values(
                DEMO_OFFICIALS.map(({ password: _password, ...official }) => ({
                    ...official,
                    triage: official.triage ?? false,
                    passwordHash: hashes.get(official.username)!,
                    active: true,
                }))
            )
            .orUpdate(['name', 'level', 'discom', 'unitName', 'mobile', 'passwordHash', 'language', 'active', 'triage'], ['username'])
            .updateEntity(false)
            .execute();
    });
    return {
        consumers: DEMO_CONSUMERS.length,
        meters: DEMO_METERS.length,
        bills: DEMO_BILLS.length,
        orgUnits: DEMO_ORG_UNITS.length,
        officials: DEMO_OFFICIALS.length,
    };
}

/**
 * Demo officials that can still sign in with the password the README publishes: active, and the stored hash matches
 * it. A public deployment refuses to start while any exists.
 */
export async function demoOfficialsWithPublishedPasswords(dataSource: DataSource): Promise<string[]> {
    const demo = new Map(DEMO_OFFICIALS.map((o) => [o.username, o.password]));
    const officials = await dataSource.getRepository(Official).find({ where: { username: In([...demo.keys()]), active: true } });
    const open = await Promise.all(officials.map(async (o) => ((await verifyPassword(demo.get(o.username)!, o.passwordHash)) ? o.username : null)));
    return open.filter((username): username is string => username !== null).sort();
}
