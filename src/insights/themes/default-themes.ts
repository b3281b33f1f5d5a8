import { ThemeLanguage } from './text';

export type ThemeSector = 'all' | 'dealer' | 'restaurant' | 'retail';

export interface ThemeSeed {
  key: string;
  label: string;
  sector: ThemeSector;
  /**
   * Per language: words and phrases, stemmed when matched ("waited" finds "wait"). A term starting with
   * `+` is a good word that counts only when negated ("+clean" finds "not clean", never "clean"); one starting
   * with `!` counts negated or not (for communication, the complaint is the absence: "nobody called back").
   */
  terms: Partial<Record<ThemeLanguage, string[]>>;
}

/** The themes a new brand starts with; admins and marketers edit them (`/api/themes`). */
export const DEFAULT_THEMES: ThemeSeed[] = [
  {
    key: 'wait-time', label: 'Wait time', sector: 'all',
    terms: {
      en: ['wait', 'waiting', 'waited', 'slow', 'slowly', 'took forever', 'took ages', 'took hours', 'hours', 'delay', 'delayed', 'queue', 'line was', 'long line', 'late', 'on time', 'appointment', '+quick', '+fast', '+prompt'],
      es: ['espera', 'esperar', 'esperé', 'esperamos', 'lento', 'tardaron', 'demora', 'retraso', 'cola', 'fila', '+rápido'],
      fr: ['attente', 'attendre', 'attendu', 'lent', 'lente', 'retard', 'file', 'queue', '+rapide'],
    },
  },
  {
    key: 'price', label: 'Price', sector: 'all',
    terms: {
      en: ['price', 'pricing', 'expensive', 'overpriced', 'overcharged', 'cost', 'costly', 'charge', 'charged', 'fee', 'fees', 'bill', 'invoice', 'rip off', 'ripoff', 'quote', 'value for money', '+cheap', '+affordable', '+worth', '+reasonable', '+fair price'],
      es: ['precio', 'precios', 'caro', 'cara', 'costoso', 'cobraron', 'factura', 'dinero', 'tarifa', '+barato'],
      fr: ['prix', 'cher', 'chère', 'coûteux', 'facture', 'facturé', 'tarif', 'argent', '+abordable'],
    },
  },
  {
    key: 'staff-attitude', label: 'Staff attitude', sector: 'all',
    terms: {
      en: ['rude', 'rudely', 'unfriendly', 'attitude', 'dismissive', 'arrogant', 'condescending', 'ignored', 'ignoring', 'impolite', 'disrespectful', 'unprofessional', 'pushy', 'careless', 'couldn\'t care less', '+friendly', '+helpful', '+polite', '+courteous', '+welcoming'],
      es: ['grosero', 'grosera', 'maleducado', 'antipático', 'antipática', 'actitud', 'ignoraron', 'prepotente', '+amable', '+atento'],
      fr: ['impoli', 'impolie', 'désagréable', 'arrogant', 'ignoré', 'ignorés', 'mépris', 'attitude', '+aimable', '+poli', '+accueillant'],
    },
  },
  {
    key: 'communication', label: 'Communication', sector: 'all',
    terms: {
      en: ['!call back', '!called back', '!callback', '!called', '!update', '!updates', '!updated', '!informed', '!inform', 'kept in the dark', 'communication', '!answer the phone', '!answered', '!answer', '!returned my call', '!follow up', '!followed up', '!email back', '!explain', '!explained', '!told', '!heard back', '!phone', '+responsive'],
      es: ['comunicación', '!llamaron', '!llamada', '!avisaron', '!informaron', '!respondieron', '!explicaron', '!contestaron'],
      fr: ['communication', '!rappelé', '!rappel', '!appel', '!informé', '!informés', '!répondu', '!expliqué', '!nouvelles', '!prévenu'],
    },
  },
  {
    key: 'cleanliness', label: 'Cleanliness', sector: 'all',
    terms: {
      en: ['dirty', 'filthy', 'messy', 'mess', 'grimy', 'sticky', 'smelly', 'smelled', 'stinks', 'greasy', 'dusty', 'trash', 'hygiene', 'unhygienic', 'restroom', 'bathroom', 'toilet', '+clean', '+tidy', '+spotless'],
      es: ['sucio', 'sucia', 'suciedad', 'olor', 'baño', 'higiene', 'mugre', '+limpio', '+limpia'],
      fr: ['sale', 'saleté', 'odeur', 'toilettes', 'hygiène', 'crasseux', '+propre'],
    },
  },
  {
    key: 'repair-quality', label: 'Repair quality', sector: 'dealer',
    terms: {
      en: ['repair', 'repaired', 'fix', 'fixed', 'still broken', 'not fixed', 'same problem', 'problem came back', 'came back', 'rattle', 'rattles', 'noise', 'leak', 'leaking', 'warning light', 'check engine', 'scratch', 'scratched', 'damage', 'damaged', 'botched', 'mechanic', 'service department', 'diagnose', 'diagnosis', 'brake', 'brakes', 'transmission', 'engine', 'dent'],
      es: ['reparación', 'reparar', 'arreglo', 'arreglaron', 'avería', 'ruido', 'fuga', 'rayón', 'dañado', 'taller', 'mecánico'],
      fr: ['réparation', 'réparé', 'réparer', 'panne', 'bruit', 'fuite', 'rayure', 'endommagé', 'garage', 'mécanicien'],
    },
  },
  {
    key: 'sales-process', label: 'Sales and paperwork', sector: 'dealer',
    terms: {
      en: ['paperwork', 'financing', 'finance', 'trade-in', 'trade in', 'salesman', 'salesperson', 'sales pressure', 'bait and switch', 'hidden', 'add-ons', 'warranty', 'contract', 'test drive'],
      es: ['papeleo', 'financiamiento', 'financiación', 'vendedor', 'contrato', 'garantía'],
      fr: ['paperasse', 'financement', 'vendeur', 'contrat', 'garantie', 'reprise'],
    },
  },
  {
    key: 'food-quality', label: 'Food quality', sector: 'restaurant',
    terms: {
      en: ['cold food', 'food was cold', 'undercooked', 'overcooked', 'raw', 'burnt', 'bland', 'tasteless', 'stale', 'soggy', 'salty', 'lukewarm', 'portion', 'portions', 'tiny portion', '+tasty', '+fresh', '+delicious', '+hot'],
      es: ['comida fría', 'crudo', 'quemado', 'insípido', 'soso', 'porción', 'salado', '+rico', '+fresco', '+sabroso'],
      fr: ['froid', 'froide', 'cru', 'brûlé', 'fade', 'insipide', 'portion', 'trop salé', '+bon', '+frais', '+délicieux'],
    },
  },
  {
    key: 'order-accuracy', label: 'Order accuracy', sector: 'restaurant',
    terms: {
      en: ['wrong order', 'wrong item', 'wrong dish', 'missing', 'forgot', 'forgotten', 'mixed up', 'not what i ordered', 'order was wrong', 'incorrect'],
      es: ['pedido equivocado', 'equivocado', 'faltaba', 'olvidaron', 'incorrecto'],
      fr: ['erreur de commande', 'mauvaise commande', 'manquait', 'oublié', 'incorrect'],
    },
  },
  {
    key: 'availability', label: 'Stock and availability', sector: 'retail',
    terms: {
      en: ['out of stock', 'in stock', 'stock', 'sold out', 'unavailable', 'not available', 'back order', 'backorder', 'empty shelves', 'shelves', 'selection', 'parts on order', 'ordered part', '+available'],
      es: ['agotado', 'sin stock', 'existencias', 'no tenían', 'disponible'],
      fr: ['rupture', 'en stock', 'épuisé', 'indisponible', 'rayons', '+disponible'],
    },
  },
  {
    key: 'returns', label: 'Returns and refunds', sector: 'retail',
    terms: {
      en: ['!refund', '!refunded', '!refunds', '!exchange', '!receipt', '!store credit', '!money back', '!return policy', '!returns policy', '!the return', '!a return', '!return it', '!returned it', '!returning it'],
      es: ['!reembolso', '!devolución', '!devolver', '!recibo'],
      fr: ['!remboursement', '!remboursé', '!retour', '!échange', '!reçu'],
    },
  },
];
