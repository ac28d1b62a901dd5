/**
 * Vocabulary of the intent recognizer. Concepts are sets of word forms (English, romanised Hindi, Devanagari);
 * an intent rule fires when every concept it names occurs in the message. Word forms are matched after
 * {@link foldForMatching}, so write Devanagari without nukta and with anusvara. Spelling variants beyond these are
 * caught by skeleton and edit-distance matching; list short words (≤ 4 letters) in full, they get no fuzzy match.
 */
// A word list per concept on its own lines, as maintainers read it, not one word per line.
// prettier-ignore
export const CONCEPTS: Record<string, string[]> = {
    electricity: ['bijli', 'bijlee', 'bjli', 'bijali', 'light', 'lite', 'lyt', 'lait', 'lights', 'current', 'karent', 'karant',
        'power', 'electricity', 'lightt', 'बिजली', 'बिजलि', 'बीजली', 'लाइट', 'लाईट', 'पावर', 'करंट', 'विद्युत'],
    /** "Supply" alone may be water's or gas's: it reads as electricity only when neither is named. */
    supplyWord: ['supply', 'supplai', 'सप्लाई', 'आपूर्ति'],
    absent: ['havent', 'didnt', 'hasnt', 'नहीं', 'nahi', 'nahin', 'nhi', 'nai', 'ni', 'nahee', 'nhin', 'na', 'not', 'no', 'नहीं', 'नही', 'नहि', 'ना', 'न'],
    gone: ['काट', 'kaat', 'gayi', 'gyi', 'gai', 'gaya', 'gya', 'chali', 'gul', 'kat', 'kati', 'kata', 'katti', 'cut', 'cuts', 'off', 'gone', 'went',
        'gayab', 'band', 'bandh', 'गई', 'गयी', 'गया', 'चली', 'गुल', 'कट', 'कटी', 'बंद', 'गायब', 'कटौती'],
    outage: ['dark', 'darkness', 'outage', 'blackout', 'powercut', 'katauti', 'andhera', 'andhere', 'अंधेरा', 'अंधेरे', 'कटौती', 'trippings', 'shutdown'],
    voltage: ['kamjyada', 'kamzyada', 'kamjada', 'कमज्यादा', 'कमजादा', 'uparniche', 'ऊपरनीचे', 'upar-niche', 'volts', 'kamzor', 'kamjor', 'कमजोर', 'dheere', 'dheeme', 'धीरे', 'voltage', 'voltej', 'voltej', 'voltages', 'volt', 'वोल्टेज', 'वोल्टेज़', 'वोल्ट', 'fluctuation', 'fluctuating', 'fluctuate',
        'flickering', 'flicker', 'jhapak', 'jhapakti', 'jhapak', 'dim', 'dheemi', 'dhimi', 'dheema', 'मद्धम', 'धीमी', 'झपक', 'phase', 'फेज', 'फेस'],
    /** A tripping MCB: often the voltage, but "I checked the MCB, it is on" beside no light is an outage. */
    tripping: ['trip', 'tripping', 'mcb'],
    transformer: ['trans', 'ट्रांस', 'टीएफ', 'transformer', 'transformar', 'tranformer', 'trasformer', 'tf', 'trafo', 'ट्रांसफार्मर', 'ट्रांसफॉर्मर', 'ट्रान्सफार्मर', 'ट्रांसफर', 'ट्रांसफार्मेर'],
    hazardThing: ['poll', 'खंभे', 'खम्बे', 'khambe', 'khambha', 'poles', 'wire', 'wires', 'taar', 'tar', 'taaar', 'cable', 'pole', 'khamba', 'khambha', 'khamba', 'line', 'तार', 'खंभा', 'खम्भा', 'खंबा', 'पोल', 'लाइन', 'केबल'],
    hazardState: ['tedha', 'tedhi', 'टेढा', 'टेढी', 'bent', 'tilted', 'jhula', 'leaning', 'jhuk', 'jhuka', 'झुका', 'झुक', 'fall', 'falling', 'toot', 'tut', 'tuta', 'tuti', 'tooti', 'toota', 'gir', 'gira', 'giri', 'gire', 'latak', 'lataka', 'latak', 'snapped', 'broken',
        'fallen', 'fell', 'hanging', 'down', 'sparking', 'spark', 'chingari', 'fire', 'aag', 'jal', 'road', 'sadak', 'टूट', 'टूटा', 'टूटी', 'गिर', 'गिरा',
        'गिरी', 'लटक', 'चिंगारी', 'आग', 'सड़क', 'सडक', 'स्पार्किंग'],
    shock: ['shock', 'karant', 'करंट', 'झटका', 'jhatka', 'electrocuted', 'sparking', 'स्पार्किंग', 'चिंगारी', 'chingari'],
    meter: ['seal', 'सील', 'meter', 'metre', 'mitar', 'meater', 'मीटर', 'मिटर', 'मीटर्स', 'meters'],
    faulty: ['pighal', 'pighla', 'पिघल', 'पिघला', 'melted', 'melting', 'blinking', 'blink', 'blinks', 'गडबड', 'गडबडी', 'gadbad', 'gadbadi', 'garbar', 'problem', 'issue', 'टूट', 'टूटी', 'टूटा', 'tuti', 'tooti', 'tuta', 'toota', 'jump', 'jumping', 'bina', 'बिना', 'negative', 'minus', 'माइनस', 'smoke', 'dhuan', 'dhuaan', 'धुआं', 'धुआँ', 'kharab', 'khrab', 'kharaab', 'kharb', 'faulty', 'broken', 'defective', 'jal', 'jala', 'burnt', 'band', 'stopped', 'dead', 'blank',
        'fast', 'tez', 'tej', 'jyada', 'galat', 'wrong', 'slow', 'working', 'खराब', 'जल', 'जला', 'बंद', 'तेज', 'तेज़', 'गलत', 'रुक', 'ruk', 'khrb', 'display', 'डिस्प्ले'],
    recharge: ['recharge', 'recharj', 'rechage', 'रिचार्ज', 'topup'],
    notCredited: ['credit', 'credited', 'nahi', 'nhi', 'not', 'नहीं', 'कटा', 'kata', 'deducted', 'reflect', 'reflected', 'update'],
    bill: ['tariff', 'tarrif', 'टैरिफ', 'bill', 'bil', 'bills', 'billing', 'बिल', 'बील', 'बिलिंग'],
    billWrong: ['big', 'huge', 'impossible', 'asambhav', 'असंभव', 'fraud', 'loot', 'लूट', 'commercial', 'कमर्शियल', 'vyavsayik', 'व्यावसायिक', 'mistake', 'galti', 'गलती', 'dobaar', 'दोबार', 'twice', 'jud', 'judd', 'जुड', 'जुडा', 'judkar', 'bina', 'बिना', 'zada', 'jaada', 'surcharge', 'सरचार्ज', 'jyada', 'zyada', 'jada', 'jyda', 'zyda', 'bahut', 'high', 'wrong', 'galat', 'incorrect', 'excess', 'excessive', 'inflated', 'average',
        'anumanit', 'huge', 'dispute', 'ज्यादा', 'जादा', 'गलत', 'बहुत', 'अधिक', 'औसत', 'अनुमानित', 'double', 'dugna', 'दुगना', 'extra'],
    notReceived: ['मिल', 'mil', 'milta', 'मिलता', 'मिली', 'aata', 'आता', 'milra', 'milrha', 'received', 'receive', 'mila', 'mili', 'aaya', 'aya', 'मिला', 'आया', 'generate', 'generated'],
    amountQuestion: ['dikha', 'dikhana', 'दिखा', 'दिखाना', 'दिखाइए', 'dikhaiye', 'share', 'kitna', 'kitni', 'kitne', 'how', 'much', 'amount', 'due', 'latest', 'last', 'current', 'check', 'details', 'detail', 'batao', 'bataye',
        'bataiye', 'dikhao', 'dekhna', 'janna', 'kya', 'what', 'show', 'कितना', 'कितनी', 'बताओ', 'बताइए', 'बताएं', 'दिखाओ', 'देखना', 'जानना', 'क्या', 'राशि', 'बकाया', 'bakaya',
        'arrears', 'baki', 'बाकी', 'mera', 'my', 'मेरा', 'send', 'bhejo', 'भेजो', 'copy', 'pdf', 'view', 'month', 'mahine', 'महीने', 'date', 'tarikh', 'तारीख'],
    pay: ['paid', 'यूपीआई', 'clear', 'chukta', 'pay', 'payment', 'paying', 'bharna', 'bharun', 'bharu', 'bhar', 'bhare', 'jama', 'bhugtan', 'online', 'upi', 'paytm', 'link', 'भुगतान', 'जमा',
        'भरना', 'भरूं', 'भरें', 'भर', 'पेमेंट', 'chukana', 'चुकाना', 'deposit'],
    meterInfo: ['balance', 'number', 'no', 'details', 'detail', 'info', 'information', 'type', 'jankari', 'बैलेंस', 'नंबर', 'जानकारी', 'kitna', 'kitni', 'bacha',
        'bachi', 'बचा', 'बची', 'prepaid', 'smart', 'प्रीपेड', 'स्मार्ट', 'which', 'kaunsa', 'konsa', 'kya', 'क्या', 'what', 'check', 'batao', 'बताओ', 'dikhao', 'show', 'last', 'pichli', 'पिछली'],
    reading: ['kwh', 'kilowatt', 'reading', 'readings', 'reeding', 'redding', 'रीडिंग', 'रिडिंग', 'padhai', 'unit', 'units', 'यूनिट'],
    submit: ['dene', 'देने', 'submit', 'send', 'bhej', 'bhejna', 'bhejni', 'bhejo', 'bhejdo', 'de', 'dena', 'deni', 'dun', 'du', 'doon', 'darj', 'enter', 'give', 'upload', 'self',
        'khud', 'swayam', 'भेज', 'भेजना', 'भेजनी', 'दर्ज', 'देना', 'देनी', 'दूं', 'दूँ', 'खुद', 'स्वयं', 'sabmit', 'post', 'record', 'add', 'likhwana', 'note'],
    hindi: ['hindi', 'hindee', 'हिंदी', 'हिन्दी', 'हिंन्दी'],
    english: ['english', 'angrezi', 'angreji', 'inglish', 'englsh', 'अंग्रेजी', 'अंग्रेज़ी', 'इंग्लिश', 'इंगलिश'],
    greeting: ['hlo', 'hlw', 'hloo', 'assalam', 'walekum', 'alaikum', 'walaikum', 'suprabhat', 'सुप्रभात', 'शुभ', 'shubh', 'संध्या', 'mitra', 'मित्र', 'mitr', 'hi', 'hii', 'hello', 'helo', 'hllo', 'hey', 'namaste', 'namaskar', 'namastey', 'pranam', 'ram', 'radhe', 'jai', 'morning', 'evening', 'afternoon',
        'नमस्ते', 'नमस्कार', 'प्रणाम', 'राम', 'हेलो', 'हैलो', 'हाय', 'salaam', 'salam', 'adab', 'start', 'शुरू', 'shuru', 'sir', 'good', 'गुड', 'इवनिंग', 'मॉर्निंग', 'अस्सलाम', 'अस्सलामु', 'अलैकुम', 'वालेकुम', 'सलाम', 'assalamualaikum', 'assalamu'],
    help: ['skte', 'skta', 'skti', 'उपयोग', 'upyog', 'seva', 'sewa', 'सेवा', 'sakte', 'sakti', 'sakta', 'सकते', 'सकती', 'इस्तेमाल', 'istemal', 'use', 'work', 'works', 'ask', 'पूछ', 'puch', 'kya-kya', 'help', 'madad', 'sahayata', 'sahaita', 'मदद', 'सहायता', 'options', 'option', 'menu', 'मेन्यू', 'मेनू', 'guide', 'samjhao', 'विकल्प', 'vikalp', 'features', 'services', 'सेवाएं', 'sevayen'],
    agent: ['एजेंट', 'एजेन्ट', 'customer', 'care', 'कस्टमर', 'केयर', 'aadmi', 'आदमी', 'asli', 'असली', 'officer', 'officers', 'adhikari', 'अधिकारी', 'je', 'sdo', 'xen', 'jee', 'जेई', 'एसडीओ', 'human', 'insaan', 'insan', 'इंसान', 'person', 'agent', 'executive',
        'callback', 'call', 'phone', 'कॉल', 'फोन', 'representative', 'staff', 'manager', 'अफसर', 'afsar', 'engineer', 'इंजीनियर', 'lineman', 'लाइनमैन', 'real'],
    /** "kisi se baat karao": somebody to talk to; alone ("mera naam kisi ko mat batana") it asks for no one. */
    somebody: ['someone', 'somebody', 'kisi', 'किसी'],
    talk: ['milna', 'milu', 'milne', 'मिलना', 'मिलूं', 'jod', 'jodo', 'jod', 'जोड', 'जोडो', 'जोडिए', 'जोड़िए', 'karwa', 'karwado', 'करवाइए', 'करवाओ', 'करवा', 'baat', 'baat', 'bat', 'talk', 'speak', 'बात', 'connect', 'call', 'contact', 'milao', 'milaiye', 'मिलाओ', 'sampark', 'संपर्क', 'chahiye', 'चाहिए', 'karwao', 'karao'],
    cancel: ['discard', 'wapasjao', 'वापसजाओ', 'vapasjao', 'peechechalo', 'startagain', 'goback', 'peechejao', 'pichejao', 'pichhejao', 'पीछेजाओ', 'backjao', 'startover', 'शुरूसे', 'shurusekaro', 'dobarashuru', 'रोक', 'ruk', 'रुक', 'leave', 'forget', 'never', 'कैंसिल', 'jane', 'जाने', 'cancel', 'cancl', 'cancle', 'रद्द', 'radd', 'rehne', 'rahne', 'rehnedo', 'रहने', 'chhodo', 'chodo', 'छोड़ो', 'छोड़', 'छोडो', 'nevermind', 'abort', 'quit', 'exit', 'stop', 'रुको', 'ruko'],
    unsubscribe: ['रिमाइंडर', 'सूची', 'reminders', 'update', 'messaging', 'texting', 'notify', 'texts', 'reminders', 'reminder', 'list', 'notification', 'सूचनाएं', 'सूचना', 'अलर्ट', 'alert', 'अनसब्सक्राइब', 'लिस्ट', 'more', 'unsubscribe', 'unsub', 'optout', 'opt', 'subscription', 'alerts', 'notifications', 'updates', 'messages', 'message', 'msg', 'msgs', 'sms', 'मैसेज', 'मेसेज', 'संदेश', 'sandesh', 'नोटिफिकेशन', 'अपडेट'],
    /** Alerts and reminders asked for ("power cut alerts bhejo"): area news, not the outage the words name. */
    alertWord: ['khabar', 'khabr', 'news', 'खबर', 'ख़बर', 'alert', 'alerts', 'reminder', 'reminders', 'notification', 'notifications', 'अलर्ट', 'रिमाइंडर', 'सूचना', 'सूचनाएं', 'सूचनाएँ', 'नोटिफिकेशन'],
    subscribeVerb: ['send', 'bhejo', 'bhejna', 'bhejte', 'bhejiye', 'bhej', 'chahiye', 'chaiye', 'want', 'start', 'subscribe', 'chalu', 'shuru', 'on',
        'भेजो', 'भेजें', 'भेजिए', 'भेजना', 'भेजते', 'भेजा', 'भेज', 'चाहिए', 'चालू', 'शुरू', 'get', 'receive', 'मिलती', 'मिलता', 'मिलते', 'मिले', 'milti', 'milta', 'milte', 'mil', 'मिल'],
    /** Someone else's theft of power ("padosi katiya dal ke bijli chori kar raha"): reported as theft, not an outage. */
    theft: ['चोरी', 'chori', 'chory', 'theft', 'stealing', 'steal', 'stolen', 'कटिया', 'katiya', 'katiyaa', 'kundi', 'कुंडी'],
    /** "बिजली बहुत कम आ रही", "light dheemi hai": little power, that is low voltage (not none, not a small bill). */
    lowAmount: ['कम', 'kam', 'dheemi', 'dheemi', 'धीमी', 'dim', 'halki', 'हल्की', 'mand', 'मंद'],
    hoursWord: ['time', 'samay', 'समय', 'टाइम', 'hours', 'ghante', 'घंटे'],
    otpWord: ['otp', 'code', 'कोड', 'ओटीपी'],
    whenever: ['whenever', 'jabbhi', 'जबभी', 'jabhi', 'advance', 'pehlese', 'पहलेसे'],
    tellMe: ['बता', 'बताना', 'बताते', 'bata', 'batana', 'batate', 'inform', 'notify', 'सूचित', 'suchit'],
    remind: ['dilane', 'dilana', 'दिलाने', 'दिलाना', 'remind', 'reminding'],
    /** Switching messages back on ("updates chalu kr do", "sms फिर से शुरू करो"). */
    switchOn: ['chalu', 'चालू', 'shuru', 'शुरू', 'activate', 'resume'],
    /** Asking for area news by name ("how to subscribe?"). */
    subscribeWord: ['subscribe', 'subscription', 'sabscribe', 'सब्सक्राइब', 'sadasyata', 'सदस्यता'],
    /** Asking to be shown or sent something ("send me last bill", "pichle bill dikhao"). */
    showVerb: ['show', 'send', 'bhejo', 'bhej', 'bhejdo', 'dikhao', 'dikha', 'dikhado', 'dikhaiye', 'dikhana', 'भेजो', 'भेजिए', 'दिखाओ', 'दिखा', 'दिखाइए', 'दिखाना'],
    /** "messages aate rehne do", "sms jaari rakho": let them keep coming, whatever "rehne do" says elsewhere. */
    keepComing: ['आते', 'aate', 'aathe', 'आने', 'aane', 'jaari', 'जारी', 'rakho', 'रखो', 'rakhna', 'रखना', 'continue', 'keep'],
    stopVerb: ['anymore', 'nomore', 'dont', 'donot', 'hata', 'hatao', 'हटा', 'turn', 'remove', 'अनसब्सक्राइब', 'stop', 'band', 'bandh', 'बंद', 'mat', 'मत', 'dont', 'unsubscribe', 'हटाओ', 'rok', 'roko', 'रोको'],
    status: ['status', 'staus', 'stetus', 'sthiti', 'स्थिति', 'स्टेटस', 'progress', 'track', 'pending', 'लंबित'],
    followUp: ['response', 'stuck', 'jawab', 'जवाब', 'atka', 'अटका', 'atki', 'update', 'अपडेट', 'hua', 'hui', 'हुआ', 'हुई', 'kab', 'कब', 'happened', 'closed', 'close', 'came', 'yet', 'abhi', 'tak', 'अभी', 'तक',
        'koi', 'कोई', 'nobody', 'purani', 'पुरानी', 'old', 'previous', 'pichli', 'kya', 'क्या', 'aaya', 'आया', 'solve', 'resolved', 'hal'],
    mine: ['my', 'meri', 'mere', 'mera', 'मेरी', 'मेरे', 'मेरा', 'hamari', 'hamare', 'हमारी', 'हमारे'],
    want: ['chahiye', 'chaiye', 'चाहिए', 'want', 'need', 'bhejna', 'bhejo', 'भेजो', 'bhejte', 'भेजते'],
    balance: ['balance', 'बैलेंस', 'bailens', 'balence'],
    pastRef: ['last', 'previous', 'pichli', 'pichhli', 'पिछली', 'पिछला', 'thi', 'थी', 'kitni', 'कितनी', 'old', 'purani'],
    dueDate: ['date', 'tarikh', 'तारीख', 'डेट', 'kab', 'kb', 'कब', 'deadline', 'antim', 'अंतिम', 'when'],
    dues: ['bakaya', 'बकाया', 'outstanding', 'dues', 'arrears', 'baki', 'बाकी', 'baaki'],
    howMuch: ['kitna', 'kitni', 'kitne', 'कितना', 'कितनी', 'कितने', 'much'],
    /** "light aa gayi", "लाइट आ गई" (read as one word, as written apart): the power is back, not gone. */
    restored: ['aagayi', 'aagai', 'aagyi', 'agayi', 'cameback', 'isback', 'restored', 'आगई', 'आगयी'],
    /** "village without light": an outage, though less sure than "no light" ("report without telling my name"). */
    without: ['without'],
    /** A death by current ("bhains mar gayi", "koi mar jayega") makes a pole or wire a danger, whatever else is said. */
    died: ['mar', 'mari', 'mara', 'mare', 'maut', 'died', 'killed', 'मर', 'मरी', 'मरा', 'मरे', 'मौत', 'मृत्यु'],
    touched: ['lag', 'laga', 'lagi', 'lagaa', 'लग', 'लगा', 'लगी', 'chhune', 'chhua', 'छूने', 'छुआ'],
    notOurs: ['wifi', 'internet', 'broadband', 'network', 'नेटवर्क', 'इंटरनेट', 'मोबाइल', 'जियो', 'एयरटेल', 'सिलेंडर', 'गैस', 'mobile', 'jio', 'airtel', 'vodafone', 'train', 'ट्रेन', 'match', 'score', 'mausam', 'मौसम', 'weather', 'cricket', 'movie', 'film', 'gas', 'cylinder', 'pani', 'पानी', 'water', 'dth', 'tv'],
    /** "paid but it still shows due", "जबकि हमेशा 800 आता था": the consumer contradicts what the bill says. */
    despite: ['harmahine', 'हरमहीने', 'normally', 'usually', 'normal', 'generally', 'hamesha', 'हमेशा', 'aamtaur', 'आमतौर', 'firbhi', 'phirbhi', 'फिरभी', 'tabbhi', 'tabhibhi', 'तबभी', 'tobhi', 'still', 'though', 'although', 'jabki', 'jabke', 'जबकि', 'bavjood', 'bawajood', 'बावजूद', 'despite'],
    /** Words that mark a language as the problem ("can't read Hindi", "हिंदी पढ़ने में दिक्कत"), not the wish. */
    difficulty: ['difficult', 'hard', 'kam', 'कम', 'dikkat', 'dikat', 'दिक्कत', 'problem', 'mushkil', 'मुश्किल', 'cant', 'cannot', 'dont', 'nahi', 'nhi', 'nahin', 'नहीं', 'नही', 'not', 'no', 'samajh', 'समझ'],
    /** Done by the consumer themselves: a self reading. */
    selfMade: ['khud', 'self', 'swayam', 'खुद', 'स्वयं', 'apne', 'myself'],
    /** The meter reader, whose wrong reading makes a disputed bill. */
    reader: ['reader', 'meterreader', 'रीडर'],
    /** Going back in the menu: with a menu word it is a cancel, not a request for help. */
    goBack: ['wapas', 'vapas', 'वापस', 'back', 'peeche', 'piche', 'पीछे', 'pichhe', 'previous', 'pichle', 'पिछले'],
    /** A form to fill, for which consumers ask their meter or account details. */
    form: ['form', 'फॉर्म', 'फार्म'],
    /** Explicit cancelling words, stronger than a payment word beside them ("jo bhara hai ise radd kro"). */
    cancelWord: ['cancel', 'cancl', 'cancle', 'radd', 'रद्द', 'कैंसिल', 'discard'],
    /** Water and gas: a "supply" that is not ours. */
    notElectric: ['water', 'pani', 'paani', 'पानी', 'nal', 'नल', 'gas', 'गैस', 'cylinder', 'सिलेंडर'],
    /** Money, which with "how much" asks what the bill is. */
    money: ['paisa', 'paise', 'पैसा', 'पैसे', 'rupaye', 'rupay', 'रुपये', 'रुपए'],
    /** Charged for what was not used: a dispute even without the word "bill". */
    charged: ['charged', 'overcharged', 'overbilled', 'overbilling', 'वसूला', 'vasool', 'vasula'],
    /** Ordinary words one letter away from a cue ("through" ~ "though"): listed so they match exactly and nothing fuzzy. */
    plain: ['taraf', 'hind', 'share', 'please', 'pls', 'plz', 'night', 'right', 'might', 'fight', 'sight', 'tight', 'motor', 'motar', 'through', 'thought', 'tough', 'mater'],
    /** Opting out named in one word, which needs no verb beside it. */
    optOut: ['unsubscribe', 'unsub', 'optout', 'unsubscribed', 'अनसब्सक्राइब'],
    display: ['display', 'screen', 'lcd', 'स्क्रीन', 'डिस्प्ले'],
    /** The bot itself, addressed: "what can you do", "ye bot kya kya karta hai", "यहाँ क्या क्या होता है". */
    botRef: ['bot', 'app', 'you', 'ye', 'yeh', 'yahan', 'yaha', 'ये', 'यह', 'यहां', 'यहाँ', 'बॉट', 'service', 'aap', 'tum', 'आप'],
    capability: ['karu', 'karun', 'karoon', 'करूं', 'do', 'karta', 'karte', 'karti', 'kaam', 'होता', 'होती', 'करता', 'करते', 'करती', 'काम', 'hota', 'hoti', 'offer'],
    question: ['kis', 'किस', 'kaun', 'कौन', 'konsi', 'kaunsi', 'kon', 'what', 'how', 'kya', 'kaise', 'kese', 'क्या', 'कैसे', 'kyakya'],
    /** The local electricity office, whose number consumers ask for to reach a person. */
    office: ['office', 'offices', 'substation', 'subdivision', 'powerhouse', 'bijlighar', 'बिजलीघर', 'दफ्तर', 'ऑफिस', 'उपकेंद्र', 'daftar', 'helpline', 'हेल्पलाइन'],
    phoneNumber: ['number', 'no', 'नंबर', 'contact', 'phone', 'फोन', 'mobile'],
    /** The registered mobile of an account ("mobile number update karna hai", "link my mobile"). */
    mobileWord: ['mobile', 'mobail', 'mobil', 'मोबाइल', 'मोबाईल', 'मोबाइल्'],
    /**
     * Changing or linking a mobile: "badal gaya", "update", "galat hai", "link". Not "register": "रजिस्टर वाला नंबर घर
     * पे है" names the registered mobile, it asks for no change.
     */
    mobileChange: ['update', 'updat', 'badal', 'badla', 'badli', 'badle', 'badalna', 'badalni', 'badalwana', 'badalvana', 'badlna', 'badalgaya', 'change', 'changed',
        'link', 'linked', 'galat', 'wrong', 'naya', 'new', 'jodna', 'judwana', 'बदल', 'बदला', 'बदली', 'बदलना', 'बदलवाना', 'अपडेट', 'लिंक', 'गलत',
        'नया', 'जोड़ना', 'जोडना', 'add', 'added', 'jod', 'jodu', 'jude', 'judwau', 'judwaye', 'jodwaye', 'जुड़वाना', 'जुडवाना', 'जुड़वाऊं', 'जुडवाऊं',
        'lagwana', 'lagvana', 'dalwana', 'daal', 'dal', 'jodo', 'jodiye', 'judwa', 'जोड़', 'जोड़िए', 'जोड़ दीजिए', 'लगवाना', 'डाल'],
    /** Asking when ("kab aayegi", "by what time", "when will it come back"): with power and its return, a question of restoration. */
    whenWord: ['kab', 'kb', 'कब', 'when', 'baje', 'बजे', 'etr'],
    /** The power returning: "aayegi", "aa jayegi", "आएगी", "come back", "restored". */
    comeBack: ['aayegi', 'aaegi', 'ayegi', 'aygi', 'aaygi', 'aegi', 'aayega', 'aaega', 'ayega', 'jayegi', 'jaegi', 'aajayegi', 'aajaegi',
        'आएगी', 'आयेगी', 'आएगा', 'आयेगा', 'जाएगी', 'जायेगी', 'come', 'back', 'restore', 'restored', 'restoration', 'return', 'returns'],
    complaintWord: ['lodged', 'lodge', 'complent', 'complen', 'complained', 'complaining', 'complaint', 'complain', 'complant', 'complaints', 'shikayat', 'shikayt', 'sikayat', 'shikaayat', 'शिकायत', 'कंप्लेंट', 'कम्प्लेंट', 'ticket', 'टिकट', 'request', 'report', 'darj'],
};

/** One way an intent can be expressed: every concept must occur; `weight` orders competing rules. */
export interface IntentRule {
    intent: string;
    all: string[];
    weight: number;
    /** The concepts must occur in the first word: a greeting opens a message ("ek hi mahine" greets no one). */
    leading?: boolean;
    /** The rule does not fire when any of these concepts occurs ("Jio recharge failed" is not our meter). */
    unless?: string[];
    /**
     * The concepts must stand within this many words of each other: "light nahi hai" is an outage, "meter is not
     * moving … using light daily" is not.
     */
    near?: number;
}

/**
 * Rules, strongest first in spirit; the recognizer takes the highest weight among rules that fire. Complaints about
 * a bill or meter outrank plain questions about them, and safety outranks everything.
 */
export const RULES: IntentRule[] = [
    { intent: 'complaint.line', all: ['hazardThing', 'hazardState'], weight: 0.95 },
    { intent: 'complaint.line', all: ['shock'], weight: 0.8 },
    { intent: 'complaint.line', all: ['electricity', 'touched'], weight: 0.92 },
    { intent: 'complaint.line', all: ['hazardThing', 'electricity'], weight: 0.86, unless: ['theft'] },
    { intent: 'complaint.line', all: ['hazardThing', 'gone'], weight: 0.87 },
    { intent: 'complaint.line', all: ['hazardThing', 'died'], weight: 0.93 },
    { intent: 'complaint.line', all: ['electricity', 'died'], weight: 0.92 },
    { intent: 'complaint.transformer', all: ['transformer'], weight: 0.9 },
    // Dim lights and weak current are still "not working": above an outage read from the same words.
    { intent: 'complaint.voltage', all: ['voltage'], weight: 0.89 },
    { intent: 'complaint.voltage', all: ['tripping'], weight: 0.8 },
    // ("bijli kam time aati hai" is about hours of supply, not voltage.)
    { intent: 'complaint.voltage', all: ['electricity', 'lowAmount'], weight: 0.87, unless: ['absent', 'bill', 'restored', 'hoursWord'] },
    // "kab aayegi light?", "बिजली कब आएगी", "when will power come back?": asking when. Said with the outage ("subah se gayi"), it
    // is a report, whose flow answers from a known fault as well.
    { intent: 'outage.eta', all: ['electricity', 'whenWord', 'comeBack'], weight: 0.91, near: 8, unless: ['theft', 'alertWord', 'bill', 'absent', 'gone'] },
    { intent: 'complaint.no_supply', all: ['electricity', 'absent'], weight: 0.88, unless: ['theft'], near: 10 },
    { intent: 'complaint.no_supply', all: ['electricity', 'gone'], weight: 0.85, unless: ['restored', 'theft'] },
    { intent: 'complaint.no_supply', all: ['electricity', 'without'], weight: 0.86, unless: ['theft'] },
    { intent: 'complaint.no_supply', all: ['outage'], weight: 0.85, unless: ['theft'] },
    { intent: 'complaint.no_supply', all: ['electricity'], weight: 0.55, unless: ['restored'] },
    { intent: 'complaint.no_supply', all: ['supplyWord', 'absent'], weight: 0.87, unless: ['notElectric'], near: 10 },
    { intent: 'complaint.no_supply', all: ['supplyWord', 'gone'], weight: 0.84, unless: ['notElectric'] },
    { intent: 'complaint.no_supply', all: ['supplyWord'], weight: 0.5, unless: ['notElectric'] },
    { intent: 'complaint.meter', all: ['meter', 'faulty'], weight: 0.9 },
    // "meter ki complaint karni hai": a complaint about the meter, though no fault is named yet.
    { intent: 'complaint.meter', all: ['meter', 'complaintWord'], weight: 0.8 },
    // ("power cut in the block, not my recharge issue": the outage, not the meter.)
    { intent: 'complaint.meter', all: ['recharge', 'notCredited'], weight: 0.89, unless: ['notOurs', 'outage'] },
    { intent: 'complaint.meter', all: ['meter', 'display', 'absent'], weight: 0.9 },
    { intent: 'complaint.meter', all: ['reading', 'billWrong'], weight: 0.87 },
    // A payment or reading the bill contradicts is a dispute, not a question about paying.
    { intent: 'complaint.billing', all: ['pay', 'despite'], weight: 0.92 },
    { intent: 'complaint.billing', all: ['dues', 'despite'], weight: 0.92 },
    { intent: 'complaint.billing', all: ['bill', 'despite'], weight: 0.86 },
    { intent: 'complaint.billing', all: ['charged'], weight: 0.9 },
    { intent: 'complaint.billing', all: ['reader', 'billWrong'], weight: 0.92 },
    { intent: 'complaint.billing', all: ['bill', 'billWrong', 'meter'], weight: 0.91 },
    { intent: 'complaint.billing', all: ['bill', 'billWrong'], weight: 0.9 },
    { intent: 'complaint.billing', all: ['bill', 'absent', 'notReceived'], weight: 0.9 },
    { intent: 'complaint.billing', all: ['bill', 'complaintWord'], weight: 0.8 },
    { intent: 'complaint.status', all: ['complaintWord', 'status'], weight: 0.93 },
    // "kal complain ki thi, uska kya hua": a complaint made earlier, asked after, outranks the fault it names.
    { intent: 'complaint.status', all: ['complaintWord', 'followUp', 'pastRef'], weight: 0.92 },
    { intent: 'complaint.status', all: ['complaintWord', 'followUp'], weight: 0.86 },
    { intent: 'complaint.status', all: ['complaintWord', 'mine'], weight: 0.7 },
    // "ticket no fir se batana", "complaint number kya hai": the number of a complaint made earlier.
    { intent: 'complaint.status', all: ['complaintWord', 'phoneNumber'], weight: 0.8, unless: ['office'] },
    { intent: 'complaint.status', all: ['status'], weight: 0.5 },
    { intent: 'bill.query', all: ['bill', 'pay', 'dueDate'], weight: 0.91 },
    { intent: 'bill.query', all: ['bill', 'dueDate'], weight: 0.85 },
    { intent: 'bill.query', all: ['pay', 'howMuch'], weight: 0.9 },
    { intent: 'bill.query', all: ['money', 'howMuch'], weight: 0.86 },
    { intent: 'bill.query', all: ['dues'], weight: 0.75 },
    { intent: 'bill.pay', all: ['dues', 'pay'], weight: 0.9 },
    // "send me last bill of my connection… old number is still the registered one", "show me previous bills, last 3 months,
    // want to check why its so high": the bill asked for, before any dispute about it.
    { intent: 'bill.query', all: ['bill', 'showVerb'], weight: 0.91, unless: ['billWrong', 'charged', 'absent', 'complaintWord', 'reading', 'alertWord'] },
    { intent: 'bill.query', all: ['bill', 'showVerb', 'pastRef'], weight: 0.91, unless: ['absent', 'complaintWord', 'reading', 'alertWord'] },
    { intent: 'bill.pay', all: ['bill', 'pay'], weight: 0.89 },
    // ("3 baar complaint kar chuka hu": "chuka" has done something; it pays nothing.)
    { intent: 'bill.pay', all: ['pay'], weight: 0.8, unless: ['complaintWord'] },
    { intent: 'bill.query', all: ['bill', 'amountQuestion'], weight: 0.8 },
    { intent: 'bill.query', all: ['bill'], weight: 0.7 },
    { intent: 'meter.reading', all: ['reading', 'submit'], weight: 0.88 },
    // "bill galat na aaye isliye khud reading de raha hoon": a reading given by the consumer, whatever the bill worry.
    { intent: 'meter.reading', all: ['reading', 'selfMade'], weight: 0.94 },
    { intent: 'meter.reading', all: ['reading', 'pay'], weight: 0.9 },
    { intent: 'meter.reading', all: ['meter', 'reading'], weight: 0.75 },
    { intent: 'meter.reading', all: ['reading'], weight: 0.6 },
    { intent: 'meter.info', all: ['reading', 'pastRef'], weight: 0.8 },
    { intent: 'meter.info', all: ['reading', 'pastRef', 'howMuch'], weight: 0.9 },
    { intent: 'meter.info', all: ['meter', 'meterInfo', 'want'], weight: 0.82 },
    { intent: 'meter.info', all: ['meter', 'meterInfo', 'form'], weight: 0.85 },
    { intent: 'meter.info', all: ['balance'], weight: 0.72 },
    { intent: 'meter.info', all: ['meter', 'meterInfo'], weight: 0.78 },
    { intent: 'meter.info', all: ['meter'], weight: 0.7 },
    { intent: 'meter.info', all: ['recharge'], weight: 0.55, unless: ['notOurs'] },
    { intent: 'language.hi', all: ['hindi'], weight: 0.9 },
    { intent: 'language.en', all: ['english'], weight: 0.9 },
    // Below a clear outage report: "bijli nahi aa rahi aur koi message bhi nahi aaya" is a complaint.
    { intent: 'unsubscribe', all: ['unsubscribe', 'stopVerb'], weight: 0.87 },
    { intent: 'unsubscribe', all: ['optOut'], weight: 0.9 },
    // Above questions about the bill ("bill ki tarikh bhool jati hu, yaad dilane wale message chalu kar do").
    { intent: 'subscribe', all: ['alertWord', 'subscribeVerb'], weight: 0.92, unless: ['stopVerb', 'absent', 'optOut'] },
    // "send me msgs whenever light is going to be cut", "jab bhi bijli katne wali ho to msg kr dena".
    { intent: 'subscribe', all: ['unsubscribe', 'whenever'], weight: 0.92, unless: ['stopVerb', 'absent', 'optOut'] },
    // "jab bhi bijli katne wali ho to pehle se bata diya karo".
    { intent: 'subscribe', all: ['whenever', 'tellMe'], weight: 0.92, unless: ['stopVerb', 'absent', 'optOut'] },
    { intent: 'subscribe', all: ['unsubscribe', 'subscribeVerb', 'remind'], weight: 0.92, unless: ['stopVerb', 'absent', 'optOut'] },
    { intent: 'subscribe', all: ['subscribeWord'], weight: 0.9, unless: ['stopVerb', 'absent', 'optOut', 'cancel'] },
    { intent: 'subscribe', all: ['unsubscribe', 'keepComing'], weight: 0.9, unless: ['stopVerb', 'absent', 'optOut'] },
    { intent: 'subscribe', all: ['unsubscribe', 'switchOn'], weight: 0.9, unless: ['stopVerb', 'absent', 'optOut'] },
    // "messages nahi chahiye" / "don't want messages"; a bare "sms nahi aaya" is not an opt-out.
    { intent: 'unsubscribe', all: ['unsubscribe', 'absent', 'want'], weight: 0.86 },
    // Asking for a person outranks the problem they want to talk about ("officer se baat karwa do, bill galat hai").
    // Above a status question ("mobile number galat hai" names a number, not a complaint) and a plain officer request.
    { intent: 'mobile.update', all: ['mobileWord', 'mobileChange'], weight: 0.91, near: 6, unless: ['recharge', 'cancel'] },
    // "mera number badal gaya": a number that changed, when no other number (meter, account, bill, ticket) is named.
    {
        intent: 'mobile.update',
        all: ['phoneNumber', 'mobileChange'],
        weight: 0.86,
        near: 3,
        unless: ['meter', 'bill', 'complaintWord', 'office', 'recharge', 'cancel'],
    },
    { intent: 'agent', all: ['agent', 'talk'], weight: 0.93 },
    { intent: 'agent', all: ['somebody', 'talk'], weight: 0.93 },
    { intent: 'agent', all: ['agent'], weight: 0.75 },
    // "writing from office number" beside a bill request, "no light… nobody picking phone at substation" beside an
    // outage, "ye mera office ka number h", "office ke phone se msg kar raha hu": not asking for the office's number.
    { intent: 'agent', all: ['office', 'phoneNumber'], weight: 0.9, unless: ['bill', 'electricity', 'mine', 'unsubscribe', 'otpWord'] },
    { intent: 'agent', all: ['office', 'talk'], weight: 0.88 },
    { intent: 'cancel', all: ['cancel'], weight: 0.8 },
    { intent: 'cancel', all: ['cancelWord'], weight: 0.82 },
    { intent: 'cancel', all: ['goBack', 'help'], weight: 0.83 },
    { intent: 'cancel', all: ['stopVerb'], weight: 0.4 },
    { intent: 'help', all: ['help'], weight: 0.8 },
    { intent: 'help', all: ['question', 'capability', 'botRef'], weight: 0.65 },
    { intent: 'help', all: ['question', 'capability'], weight: 0.55 },
    { intent: 'greeting', all: ['greeting'], weight: 0.7, leading: true },
];

/** Hinglish function and domain words, for telling romanised Hindi from English. */
export const HINGLISH_WORDS = new Set(
    (
        'nahi nahin nhi nai ni hai h hain ho hua hui hue tha thi the kya kab kyu kyun kaise kahan kitna kitni kitne ' +
        'mera meri mere mujhe hum hamara hamare hamari aap aapka aapki tum tera ye yeh woh wo vo is us ka ki ke ko se me mein mai main par pe bhi aur ' +
        'ya to toh bhai ji sir bijli bijlee bjli aa aaa aati aata aayi aai ayi aaya rahi raha rahe gayi gyi gai gaya gya chali gul kat kati band karo kar ' +
        'kardo kare karna karni krna kro do de dena dedo diya lena liya chahiye chaiye wala wali wale haan ha han haanji hanji theek thik sahi galat ' +
        'jyada zyada jada bahut kam thoda abhi jaldi kal aaj parso subah shaam sham raat din ghante ghanta mahine mahina saal kharab khrab jal jala ' +
        'taar khamba toot tuta gir gira latak bhej bhejo bhejna batao bataye bataiye dikhao dekho madad shikayat sikayat baat bolo bol samjhao ' +
        'rehne rahne chhodo chodo paisa paise rupaye rupay bharna bharu jama bhugtan kitne purana naya nya gaon mohalla ghar ' +
        'hamesha baar phir fir kyunki lekin magar bhejni bhejdo sab kuch koi kisi apna apni apne wapas vapas sabse pehle baad mat na naa hogi hoga hoge raha ' +
        'bilkul accha acha achha thik namaste namaskar pranam karwao karao milao rha rhi rhe gye aana aaegi aayegi ayegi aaega hu hoon hun ' +
        'ram radhe jai shri suprabhat sahayata kr ruk jao jane shukriya dhanyavad gana bajao khana khaya likho likh mitar batado ' +
        'dikha dikhado btao bta kro krdo krna m likho likhe dikkat padhne padh jod jodo karu karun hogya hogaya gya kb kyu pta pata nahi bhai mitra ' +
        'bolo samjha samajh lagta lag raha rhi hoga sakte sakta sakti chahte chahta chahti dijiye kijiye karein karen bataen ' +
        'dunga dungi denge karunga karungi karenge krunga lunga lungi lenge jaunga jayega jayegi hogi honge'
    ).split(' ')
);

/** Words one letter from a cue that are never that cue ("heater" is not "meater"): matched exactly or not at all. */
export const NOT_MISSPELLINGS = new Set(
    (
        'heater heaters geyser geysers cooler coolers fridge motor motors pump pumps inverter inverters ' +
        'battery charger charge charging washing machine iron tubelight'
    ).split(' ')
);

/** English function words and domain words that Hinglish writers rarely use. */
export const ENGLISH_WORDS = new Set(
    (
        'the a an is are was were be been being am i my me mine you your we our it its this that these those there what when where why ' +
        'how which who not no yes can here only around just also so there then really any into onto over under after before out up could would should will shall do does did done have has had since for of in on at to ' +
        'from with without about and or but if then than too very much many some any all since ago hours hour minutes days day week morning ' +
        'evening night today yesterday tomorrow electricity outage broken fallen burnt burned want need know tell show give send previous ' +
        'wrong high low received talk speak someone human stop good thanks thank again still yet working work house home area street colony ' +
        'our my coming getting got gone went since kindly sent message messages unsubscribe keeps keep every mins switch change ' +
        'language use read write reply answer handy right water moving lifting mother mothers father fathers brother sister son daughter wife husband uncle ' +
        // Said by Indian English and Hinglish writers alike ("sir need to submit…"): listed in both, so they vote for neither.
        'sir to submit'
    ).split(' ')
);
