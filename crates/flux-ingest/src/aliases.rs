//! Header aliases per layout, already in [`crate::normalize_header`] form
//! (lower-case letters and digits only). Order matters: within a role the
//! first alias present wins, and roles listed first claim their header
//! before later roles can.

use crate::columns::Role;

pub(crate) type Aliases = &'static [(Role, &'static [&'static str])];

pub(crate) const DATE: &[&str] = &[
    "date",
    "saledate",
    "orderdate",
    "businessdate",
    "transactiondate",
    "visitdate",
    "day",
    "datum",
    "fecha",
    "data",
];
pub(crate) const TIMESTAMP: &[&str] = &[
    "datetime",
    "timestamp",
    "orderdatetime",
    "saledatetime",
    "transactiondatetime",
    "createdat",
    "soldat",
    "paidat",
    "closedat",
    "orderedat",
    "zeitstempel",
];
pub(crate) const TIME: &[&str] = &[
    "time",
    "ordertime",
    "heure",
    "ora",
    "saletime",
    "transactiontime",
    "uhrzeit",
    "hora",
];
pub(crate) const ITEM: &[&str] = &[
    "item",
    "itemname",
    "menuitem",
    "menuitemname",
    "product",
    "productname",
    "name",
    "article",
    "artikel",
    "produkt",
    "producto",
    "articulo",
    "bezeichnung",
    "beschreibung",
    "description",
    "dish",
    "drink",
    "coffeename",
    "libelle",
    "designation",
    "articolo",
    "prodotto",
];
pub(crate) const QUANTITY: &[&str] = &[
    "quantity",
    "qty",
    "units",
    "unitssold",
    "qtysold",
    "quantitysold",
    "soldqty",
    "itemssold",
    "count",
    "menge",
    "anzahl",
    "cantidad",
    "pieces",
    "qte",
    "quantite",
    "quantita",
    "stuck",
    "stk",
    "aantal",
];
pub(crate) const UNIT_PRICE: &[&str] = &[
    "unitprice",
    "price",
    "priceeach",
    "itemprice",
    "priceperunit",
    "preis",
    "einzelpreis",
    "precio",
    "prixunitaire",
    "prix",
    "prezzo",
    "prijs",
    "stuckpreis",
];
pub(crate) const TOTAL: &[&str] = &[
    // Net sales first: where a file has both, `Total` often includes tax.
    "netsales",
    "nettotal",
    "netamount",
    "total",
    "linetotal",
    "amount",
    "money",
    "revenue",
    "sales",
    "totalprice",
    "lineamount",
    "subtotal",
    "umsatz",
    "betrag",
    "importe",
    "preisnetto",
    "ventasnetas",
    "ventas",
    "nettobetrag",
    "gesamt",
    "gesamtpreis",
    "summe",
    "bruttoumsatz",
    "montant",
    "montantttc",
    "totalttc",
    "totale",
    "importo",
    "bedrag",
];
pub(crate) const GROSS: &[&str] = &[
    "grosssales",
    "grosstotal",
    "grossamount",
    "grossprice",
    "preisvorrabatt",
    "ventasbrutas",
    "productsales",
];
pub(crate) const DISCOUNT: &[&str] = &[
    "discount",
    "discounts",
    "discnt",
    "discountamount",
    "discountscomps",
    "discountsandcomps",
    "remise",
    "sconto",
    "korting",
    "rabatt",
    "descuento",
    "descuentos",
];
pub(crate) const ORDER_ID: &[&str] = &[
    "orderid",
    "ordernumber",
    "orderno",
    "order",
    "transactionid",
    "transaction",
    "transactionno",
    "ticketid",
    "ticket",
    "ticketnumber",
    "checkid",
    "check",
    "checknumber",
    "receiptid",
    "receipt",
    "receiptnumber",
    "saleid",
    "invoiceid",
    "invoice",
    "invoicenumber",
    "bonnummer",
    "belegnummer",
    "transaktionsnummer",
    "transaktionsid",
    "bon",
    "bonnr",
    "belegnr",
    "nticket",
    "noticket",
    "numeroticket",
    "receiptno",
    "numeroderecibo",
    "recibo",
    "numerodeticket",
    "kvitteringsnummer",
];
pub(crate) const PROMO: &[&str] = &[
    "promo",
    "promotion",
    "promoflag",
    "ispromo",
    "onpromo",
    "onpromotion",
    "promotional",
    "promoted",
];
pub(crate) const CATEGORY: &[&str] = &[
    "category",
    "menugroup",
    "salescategory",
    "itemcategory",
    "productgroup",
    "group",
    "department",
    "family",
    "categoria",
    "kategorie",
    "categoryname",
    "warengruppe",
    "categorie",
    "rubrique",
    "famille",
];
pub(crate) const LOCATION: &[&str] = &[
    "location",
    "locationid",
    "locationname",
    "store",
    "storeid",
    "storename",
    "airstoreid",
    "restaurant",
    "restaurantid",
    "site",
    "outlet",
    "shop",
    "branch",
    "filiale",
    "tienda",
    "sucursal",
    "magasin",
];
pub(crate) const VOID: &[&str] = &["void", "voided", "isvoid"];
pub(crate) const DEFERRED: &[&str] = &["deferred"];
pub(crate) const LINE_ID: &[&str] = &["lineid", "lineitemid", "itemselectionid", "salelineid"];
// A status column comes before a receipt type: cancelled receipts must go,
// while refund lines are already negative in the exports that have both.
pub(crate) const EVENT_TYPE: &[&str] = &[
    "eventtype",
    "transactiontype",
    "status",
    "transactionstatus",
    "receipttype",
    "typ",
    "estado",
    "tipoderecibo",
];
pub(crate) const REFUND_QUANTITY: &[&str] = &[
    "itemsrefunded",
    "refundedquantity",
    "refundedqty",
    "quantityrefunded",
    "qtyrefunded",
    "refundquantity",
    "refundqty",
    "unitsrefunded",
    "refunded",
    "returnedqty",
];
pub(crate) const REFUND_AMOUNT: &[&str] = &[
    "refundedamount",
    "refundamount",
    "amountrefunded",
    "refunds",
    "refundsamount",
    "returns",
];

pub(crate) const GENERIC: Aliases = &[
    (Role::Timestamp, TIMESTAMP),
    (Role::Date, DATE),
    (Role::Time, TIME),
    (Role::OrderId, ORDER_ID),
    (Role::LineId, LINE_ID),
    (Role::Item, ITEM),
    (Role::Quantity, QUANTITY),
    (Role::UnitPrice, UNIT_PRICE),
    (Role::GrossTotal, GROSS),
    (Role::Total, TOTAL),
    (Role::Discount, DISCOUNT),
    (Role::Promo, PROMO),
    (Role::Category, CATEGORY),
    (Role::Location, LOCATION),
    (Role::Void, VOID),
    (Role::Deferred, DEFERRED),
    (Role::EventType, EVENT_TYPE),
    (Role::RefundQuantity, REFUND_QUANTITY),
    (Role::RefundAmount, REFUND_AMOUNT),
];

pub(crate) const SEED: Aliases = &[
    (Role::Date, &["date"]),
    (Role::Item, &["item"]),
    (Role::Quantity, &["quantity"]),
    (Role::UnitPrice, &["price"]),
];

// Toast: `Gross Price` and `Net Price` are line totals, not unit prices.
pub(crate) const TOAST: Aliases = &[
    (Role::OrderId, &["orderid", "ordernumber", "order"]),
    (Role::LineId, &["itemselectionid"]),
    (Role::Timestamp, &["orderdate", "sentdate", "opened"]),
    (Role::Item, &["menuitem", "item"]),
    (Role::Category, &["menugroup", "salescategory", "menu"]),
    (Role::Quantity, &["qty", "quantity"]),
    (Role::GrossTotal, &["grossprice"]),
    (Role::Discount, &["discount", "discnt"]),
    (Role::Total, &["netprice"]),
    (Role::Void, &["void"]),
    (Role::Deferred, &["deferred"]),
    (Role::Location, &["location", "restaurant"]),
];

// Square: `Gross Sales`/`Net Sales` are line totals; `Time Zone` is ignored
// because the restaurant's zone is passed in explicitly.
pub(crate) const SQUARE: Aliases = &[
    (Role::Date, &["date"]),
    (Role::Time, &["time"]),
    (Role::Category, &["category"]),
    (Role::Item, &["item"]),
    (Role::Quantity, &["qty", "quantity"]),
    (Role::GrossTotal, &["grosssales"]),
    (Role::Discount, &["discounts"]),
    (Role::Total, &["netsales"]),
    (Role::OrderId, &["transactionid"]),
    (Role::EventType, &["eventtype"]),
    (Role::Location, &["location"]),
];

pub(crate) const PERIOD_SUMMARY: Aliases = &[
    (
        Role::Item,
        &[
            "name",
            "itemname",
            "item",
            "menuitem",
            "menuitemname",
            "product",
            "productname",
        ],
    ),
    (
        Role::Quantity,
        &[
            "soldqty",
            "qtysold",
            "quantitysold",
            "itemssold",
            "numbersold",
            "sold",
            "itemqty",
            "unitssold",
            "quantity",
            "qty",
            "count",
        ],
    ),
    (
        Role::GrossTotal,
        &[
            "productsales",
            "grosssales",
            "itemrevenue",
            "grossrevenue",
            "grossamount",
        ],
    ),
    (Role::RefundQuantity, REFUND_QUANTITY),
    (Role::RefundAmount, REFUND_AMOUNT),
    (
        Role::Discount,
        &[
            "discounts",
            "discount",
            "discountamount",
            "discountscomps",
            "discountsandcomps",
        ],
    ),
    (
        Role::Total,
        &[
            "netsales",
            "netamount",
            "netrevenue",
            "revenue",
            "sales",
            "amount",
            "total",
        ],
    ),
    (
        Role::Category,
        &["category", "categoryname", "categories", "menugroup"],
    ),
];

pub(crate) const LIGHTSPEED: Aliases = &[
    (
        Role::OrderId,
        &[
            "saleid",
            "receiptid",
            "receiptnumber",
            "ticketid",
            "transactionid",
        ],
    ),
    (Role::LineId, &["salelineid", "lineid"]),
    (
        Role::Timestamp,
        &[
            "date",
            "saledate",
            "creationdate",
            "completiondate",
            "createdat",
            "datetime",
            "time",
        ],
    ),
    (
        Role::Item,
        &["item", "itemname", "product", "productname", "description"],
    ),
    (Role::Quantity, &["quantity", "qty", "unitquantity"]),
    (Role::UnitPrice, &["unitprice", "price", "retailprice"]),
    (
        Role::Total,
        &["total", "linetotal", "subtotal", "amount", "netamount"],
    ),
    (Role::Discount, &["discount", "discounts"]),
    (
        Role::Category,
        &["category", "accountinggroup", "productgroup"],
    ),
    (Role::EventType, &["type", "status"]),
    (
        Role::Location,
        &["shop", "location", "outlet", "businesslocation"],
    ),
];

pub(crate) const VISITORS: Aliases = &[
    (Role::Location, LOCATION),
    (Role::Date, DATE),
    (
        Role::Quantity,
        &[
            "visitors",
            "covers",
            "guests",
            "guestcount",
            "visits",
            "visitcount",
            "reservevisitors",
        ],
    ),
];

pub(crate) const REVENUE: Aliases = &[
    (Role::Date, DATE),
    (
        Role::Item,
        &[
            "warengruppe",
            "productgroup",
            "group",
            "category",
            "department",
            "kategorie",
        ],
    ),
    (
        Role::Total,
        &[
            "umsatz", "revenue", "sales", "turnover", "netsales", "amount", "total",
        ],
    ),
    (Role::Location, LOCATION),
];
