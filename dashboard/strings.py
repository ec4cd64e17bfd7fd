"""French and English UI strings, keyed by a short identifier (looked up by ``i18n.t``)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # shell and login
    "app_title": {"fr": "c360 — vue client 360°", "en": "c360 — 360° customer view"},
    "login_title": {"fr": "Connexion", "en": "Sign in"},
    "login_intro": {
        "fr": "Connectez-vous avec votre compte c360.",
        "en": "Sign in with your c360 account.",
    },
    "username": {"fr": "Identifiant", "en": "Username"},
    "password": {"fr": "Mot de passe", "en": "Password"},
    "sign_in": {"fr": "Se connecter", "en": "Sign in"},
    "sign_out": {"fr": "Se déconnecter", "en": "Sign out"},
    "login_missing": {
        "fr": "Saisissez un identifiant et un mot de passe.",
        "en": "Enter a username and a password.",
    },
    "login_failed": {
        "fr": "Identifiant ou mot de passe incorrect.",
        "en": "Wrong username or password.",
    },
    "session_expired": {
        "fr": "Votre session a expiré : reconnectez-vous.",
        "en": "Your session has expired: please sign in again.",
    },
    "signed_in_as": {"fr": "Connecté : {name} ({role})", "en": "Signed in: {name} ({role})"},
    "language": {"fr": "Langue", "en": "Language"},
    "api_unreachable": {
        "fr": "L'API c360 ne répond pas ({url}). Lancez-la avec `c360 api`.",
        "en": "The c360 API does not answer ({url}). Start it with `c360 api`.",
    },
    "no_snapshot": {
        "fr": "Aucune donnée publiée pour l'instant — lancez `c360 nightly`.",
        "en": "No data published yet — run `c360 nightly`.",
    },
    "forbidden": {
        "fr": "Votre rôle ne donne pas accès à ces informations.",
        "en": "Your role does not give access to this information.",
    },
    "not_found": {"fr": "Introuvable : {message}", "en": "Not found: {message}"},
    "api_error": {"fr": "Erreur de l'API : {message}", "en": "API error: {message}"},
    "no_pages": {
        "fr": "Ce compte sert aux intégrations et n'a pas d'écran dans le tableau de bord.",
        "en": "This account is for integrations and has no screen in the dashboard.",
    },
    "empty": {"fr": "Aucune donnée.", "en": "No data."},
    "load_more": {"fr": "Afficher plus", "en": "Show more"},
    "shown_of": {"fr": "{shown} affichés sur {count}", "en": "{shown} shown of {count}"},
    # pages
    "page_customers": {"fr": "Clients", "en": "Customers"},
    "page_receivables": {"fr": "Encours clients", "en": "Receivables"},
    "page_kpis": {"fr": "Indicateurs", "en": "KPIs"},
    "page_quality": {"fr": "Qualité des données", "en": "Data quality"},
    # search
    "search_label": {
        "fr": "Rechercher un client (nom, SIRET, e-mail, ville, code)",
        "en": "Search a customer (name, SIRET, e-mail, city, code)",
    },
    "search_placeholder": {"fr": "ex. ACME, 73282932000074, Lyon", "en": "e.g. ACME, Lyon"},
    "segment": {"fr": "Segment", "en": "Segment"},
    "owner": {"fr": "Commercial", "en": "Owner"},
    "only_overdue": {"fr": "En retard", "en": "Overdue"},
    "no_results": {
        "fr": "Aucun client ne correspond à « {q} ».",
        "en": "No customer matches “{q}”.",
    },
    "search_hint": {
        "fr": "Tapez au moins deux caractères pour chercher un client.",
        "en": "Type at least two characters to search for a customer.",
    },
    "results": {"fr": "{count} client(s)", "en": "{count} customer(s)"},
    "open_customer": {"fr": "Ouvrir la fiche client", "en": "Open customer"},
    "choose_customer": {"fr": "Choisir un client…", "en": "Choose a customer…"},
    "all": {"fr": "Tous", "en": "All"},
    # 360 screen
    "code": {"fr": "Code", "en": "Code"},
    "lifecycle": {"fr": "Cycle de vie", "en": "Lifecycle"},
    "siren": {"fr": "SIREN", "en": "SIREN"},
    "siret": {"fr": "SIRET", "en": "SIRET"},
    "vat": {"fr": "TVA", "en": "VAT"},
    "payment_terms": {"fr": "Délai de paiement", "en": "Payment terms"},
    "outstanding": {"fr": "Encours", "en": "Outstanding"},
    "overdue": {"fr": "Échu", "en": "Overdue"},
    "oldest_overdue": {"fr": "Plus ancien retard", "en": "Oldest overdue"},
    "credit_limit": {"fr": "Plafond de crédit", "en": "Credit limit"},
    "credit_utilisation": {"fr": "Utilisation du plafond", "en": "Credit utilisation"},
    "unallocated_cash": {"fr": "Encaissements non lettrés", "en": "Unallocated cash"},
    "unallocated_cash_help": {
        "fr": "Règlements et avoirs non lettrés, imputés sur les plus anciennes factures "
        "pour l'échu ; solde créditeur : {credit}",
        "en": "Payments and credit notes not matched to an invoice, applied to the oldest "
        "invoices for the overdue; credit balance: {credit}",
    },
    "exposure": {"fr": "Exposition", "en": "Exposure"},
    "open_orders": {"fr": "Commandes ouvertes", "en": "Open orders"},
    "revenue_ytd": {"fr": "CA de l'année", "en": "Revenue YTD"},
    "revenue_last_year": {"fr": "CA année précédente", "en": "Revenue last year"},
    "revenue_total": {"fr": "CA total", "en": "Revenue all time"},
    "open_pipeline": {"fr": "Pipeline ouvert", "en": "Open pipeline"},
    "aging": {"fr": "Balance âgée", "en": "Aging"},
    "alerts": {"fr": "Alertes", "en": "Alerts"},
    "no_alerts": {"fr": "Aucune alerte.", "en": "No alerts."},
    "severity.high": {"fr": "Élevée", "en": "High"},
    "severity.medium": {"fr": "Moyenne", "en": "Medium"},
    "severity.low": {"fr": "Faible", "en": "Low"},
    "my_alerts": {"fr": "Alertes sur mes clients", "en": "Alerts on my customers"},
    "tab_invoices": {"fr": "Factures", "en": "Invoices"},
    "tab_open_items": {"fr": "Pièces ouvertes", "en": "Open items"},
    "tab_orders": {"fr": "Commandes", "en": "Orders"},
    "tab_opportunities": {"fr": "Opportunités", "en": "Opportunities"},
    "tab_contacts": {"fr": "Contacts", "en": "Contacts"},
    "tab_timeline": {"fr": "Historique", "en": "Timeline"},
    "tab_balance": {"fr": "Évolution de l'encours", "en": "Balance history"},
    "tab_sources": {"fr": "Fiches sources", "en": "Source records"},
    "conflicts": {"fr": "Valeurs en conflit", "en": "Conflicting values"},
    "provenance": {"fr": "Origine des champs", "en": "Where each field comes from"},
    "last_documents": {
        "fr": "Dernière commande {order} · dernière facture {invoice}",
        "en": "Last order {order} · last invoice {invoice}",
    },
    "snapshot": {"fr": "Données du {date}", "en": "Data as of {date}"},
    "back_to_search": {"fr": "← Retour à la recherche", "en": "← Back to search"},
    # aging buckets
    "not_due": {"fr": "Non échu", "en": "Not due"},
    "d1_30": {"fr": "1–30 j", "en": "1–30 d"},
    "d31_60": {"fr": "31–60 j", "en": "31–60 d"},
    "d61_90": {"fr": "61–90 j", "en": "61–90 d"},
    "over_90": {"fr": "> 90 j", "en": "> 90 d"},
    # receivables
    "total_receivables": {"fr": "Total des créances", "en": "Total receivables"},
    "aging_totals": {"fr": "Balance âgée globale", "en": "Aging totals"},
    "top_debtors": {"fr": "Principaux débiteurs", "en": "Top debtors"},
    "overdue_list": {"fr": "Clients en retard", "en": "Overdue customers"},
    "customers_count": {"fr": "Clients", "en": "Customers"},
    # kpis
    "period_from": {"fr": "Du", "en": "From"},
    "period_to": {"fr": "Au", "en": "To"},
    "revenue": {"fr": "Chiffre d'affaires", "en": "Revenue"},
    "pipeline": {"fr": "Pipeline", "en": "Pipeline"},
    "weighted_pipeline": {"fr": "Pipeline pondéré", "en": "Weighted pipeline"},
    "dso": {"fr": "DSO (jours)", "en": "DSO (days)"},
    "overdue_share": {"fr": "Part échue", "en": "Overdue share"},
    "active_customers": {"fr": "Clients actifs", "en": "Active customers"},
    "win_rate": {"fr": "Taux de transformation", "en": "Win rate"},
    "latest_month": {"fr": "Dernier mois : {month}", "en": "Latest month: {month}"},
    "split_by_segment": {"fr": "Détail par segment", "en": "Split by segment"},
    "reject_rows": {"fr": "Lignes rejetées", "en": "Rejected rows"},
    "by_month_segment": {"fr": "Par mois et segment", "en": "By month and segment"},
    # quality
    "runs": {"fr": "Exécutions", "en": "Runs"},
    "ingest_runs": {"fr": "Chargements", "en": "Ingest runs"},
    "builds": {"fr": "Constructions", "en": "Builds"},
    "quality_sections": {"fr": "Contrôles", "en": "Checks"},
}

# Table headers for API field names (looked up by ``i18n.column_label``).
COLUMNS: dict[str, dict[str, str]] = {
    "name": {"fr": "Nom", "en": "Name"},
    "customer_name": {"fr": "Client", "en": "Customer"},
    "customer_code": {"fr": "Code client", "en": "Customer code"},
    "city": {"fr": "Ville", "en": "City"},
    "postcode": {"fr": "Code postal", "en": "Postcode"},
    "alert_count": {"fr": "Alertes", "en": "Alerts"},
    "source_count": {"fr": "Sources", "en": "Sources"},
    "source": {"fr": "Source", "en": "Source"},
    "source_id": {"fr": "Id. source", "en": "Source id"},
    "invoice_number": {"fr": "N° facture", "en": "Invoice no."},
    "kind": {"fr": "Type", "en": "Kind"},
    "status": {"fr": "Statut", "en": "Status"},
    "issue_date": {"fr": "Date", "en": "Issued"},
    "due_date": {"fr": "Échéance", "en": "Due"},
    "amount_excl_tax": {"fr": "Montant HT", "en": "Amount excl. tax"},
    "amount_incl_tax": {"fr": "Montant TTC", "en": "Amount incl. tax"},
    "amount_open": {"fr": "Reste dû", "en": "Open amount"},
    "amount": {"fr": "Montant", "en": "Amount"},
    "currency": {"fr": "Devise", "en": "Currency"},
    "order_number": {"fr": "N° commande", "en": "Order no."},
    "order_date": {"fr": "Date de commande", "en": "Order date"},
    "stage": {"fr": "Étape", "en": "Stage"},
    "probability": {"fr": "Probabilité", "en": "Probability"},
    "close_date": {"fr": "Clôture prévue", "en": "Close date"},
    "first_name": {"fr": "Prénom", "en": "First name"},
    "last_name": {"fr": "Nom", "en": "Last name"},
    "full_name": {"fr": "Nom complet", "en": "Full name"},
    "email": {"fr": "E-mail", "en": "E-mail"},
    "phone": {"fr": "Téléphone", "en": "Phone"},
    "job_title": {"fr": "Fonction", "en": "Job title"},
    "document_ref": {"fr": "Pièce", "en": "Document"},
    "document_date": {"fr": "Date pièce", "en": "Document date"},
    "days_overdue": {"fr": "Jours de retard", "en": "Days overdue"},
    "oldest_overdue_days": {"fr": "Plus ancien retard (j)", "en": "Oldest overdue (days)"},
    "event_date": {"fr": "Date", "en": "Date"},
    "event_type": {"fr": "Événement", "en": "Event"},
    "reference": {"fr": "Référence", "en": "Reference"},
    "build_date": {"fr": "Date", "en": "Date"},
    "field": {"fr": "Champ", "en": "Field"},
    "values": {"fr": "Valeurs par source", "en": "Values by source"},
    "chosen_value": {"fr": "Valeur retenue", "en": "Chosen value"},
    "chosen_source": {"fr": "Source retenue", "en": "Chosen source"},
    "rule": {"fr": "Règle", "en": "Rule"},
    "bucket": {"fr": "Tranche", "en": "Bucket"},
    "customer_count": {"fr": "Clients", "en": "Customers"},
    "severity": {"fr": "Gravité", "en": "Severity"},
    "message": {"fr": "Message", "en": "Message"},
    "alert_type": {"fr": "Type d'alerte", "en": "Alert type"},
    "reason": {"fr": "Motif", "en": "Reason"},
    "rows_read": {"fr": "Lignes lues", "en": "Rows read"},
    "rows_loaded": {"fr": "Lignes chargées", "en": "Rows loaded"},
    "rows_rejected": {"fr": "Lignes rejetées", "en": "Rows rejected"},
    "started_at": {"fr": "Début", "en": "Started"},
    "finished_at": {"fr": "Fin", "en": "Finished"},
    "month": {"fr": "Mois", "en": "Month"},
    "match_rates": {"fr": "Taux de rapprochement", "en": "Match rates"},
    "match_rate": {"fr": "Taux", "en": "Match rate"},
    "records": {"fr": "Fiches", "en": "Records"},
    "matched": {"fr": "Rapprochées", "en": "Matched"},
    "unmatched": {"fr": "Non rapprochées", "en": "Unmatched"},
    "unmatched_count": {"fr": "Fiches non rapprochées", "en": "Unmatched records"},
    "review_queue": {"fr": "File de revue", "en": "Review queue"},
    "rejects": {"fr": "Rejets", "en": "Rejects"},
    "reject_rows": {"fr": "Lignes rejetées", "en": "Rejected rows"},
    "checks": {"fr": "Contrôles", "en": "Checks"},
    "check_name": {"fr": "Contrôle", "en": "Check"},
    "snapshot": {"fr": "Instantané", "en": "Snapshot"},
    "by_field": {"fr": "Par champ", "en": "By field"},
    "count": {"fr": "Nombre", "en": "Count"},
    "score": {"fr": "Score", "en": "Score"},
    "evidence_text": {"fr": "Justification", "en": "Evidence"},
    "raw": {"fr": "Contenu brut", "en": "Raw content"},
    "line": {"fr": "Ligne", "en": "Line"},
    "file": {"fr": "Fichier", "en": "File"},
    "object": {"fr": "Objet", "en": "Object"},
    "orphans": {
        "fr": "Orphelins : pièces sans client connu (dans aucun encours)",
        "en": "Orphans: records naming no known customer (in no balance)",
    },
    "names": {"fr": "Client désigné", "en": "Names customer"},
    "open_amount": {"fr": "Reste dû", "en": "Open amount"},
}

# 360° alert banners, freshness line, brief, worklist (added with issue 10)
STRINGS.update(
    {
        "overdue_banner": {
            "fr": "{n} facture(s) en retard, {amount}, la plus ancienne de {days} j",
            "en": "{n} invoice(s) overdue, {amount}, oldest {days} days",
        },
        "overdue_banner_amount": {
            "fr": "Retard de paiement : {amount}, le plus ancien de {days} j",
            "en": "Payment overdue: {amount}, oldest {days} days",
        },
        "escalate_offer": {
            "fr": "offre ouverte en cours ({amount}) : à régler avant de conclure",
            "en": "an offer is open ({amount}): settle before closing it",
        },
        "escalate_limit": {
            "fr": "plafond de crédit dépassé ({used} du plafond {limit})",
            "en": "credit limit exceeded ({used} of the {limit} limit)",
        },
        # the build time, then the date days overdue are counted at (issue 10)
        "data_as_of": {
            "fr": "Données du {built} ; retards calculés au {as_of}",
            "en": "Data of {built}; days overdue counted at {as_of}",
        },
        "data_as_of_unknown": {
            "fr": "Données du {built} ; date de calcul des retards inconnue",
            "en": "Data of {built}; the date days overdue are counted at is unknown",
        },
        "freshness": {"fr": "{source} chargé le {date}", "en": "{source} loaded {date}"},
        "published": {"fr": "publié le {date}", "en": "published {date}"},
        "show_ids": {"fr": "Afficher les identifiants techniques", "en": "Show technical ids"},
        "evidence.xref_crm": {
            "fr": "Code ERP {code} présent dans le CRM",
            "en": "ERP code {code} held in the CRM",
        },
        "evidence.xref": {
            "fr": "Même code client {code} dans l'ERP et la comptabilité",
            "en": "Same customer code {code} in the ERP and the books",
        },
        "evidence.anchor": {
            "fr": "Fiche de référence du client",
            "en": "The customer's reference record",
        },
        "next_due": {"fr": "prochaine échéance {date}", "en": "next due date {date}"},
        "brief_button": {"fr": "Fiche PDF (A4)", "en": "One-page brief (PDF)"},
        "brief_title": {"fr": "Fiche client", "en": "Customer brief"},
        "key_contacts": {"fr": "Contacts clés", "en": "Key contacts"},
        "open_orders_pipeline": {
            "fr": "Commandes ouvertes et opportunités",
            "en": "Open orders and pipeline",
        },
        "balances": {"fr": "Soldes et balance âgée", "en": "Balances and aging"},
        "identity": {"fr": "Identité", "en": "Identity"},
        "recent": {"fr": "Derniers échanges", "en": "Last interactions"},
        "worklist_filters": {"fr": "Filtres", "en": "Filters"},
        "min_amount": {"fr": "Retard minimum (€)", "en": "Minimum overdue (€)"},
        "bucket_filter": {"fr": "Tranche de retard", "en": "Overdue bucket"},
        "sort_by": {"fr": "Trier par", "en": "Sort by"},
        "descending": {"fr": "Décroissant", "en": "Descending"},
        "worklist_totals": {
            "fr": "{n} client(s) affiché(s) · retard {overdue} · encours {outstanding}",
            "en": "{n} customer(s) shown · overdue {overdue} · outstanding {outstanding}",
        },
        "export_csv": {"fr": "Exporter en CSV", "en": "Export to CSV"},
        "export_xlsx": {"fr": "Exporter en XLSX", "en": "Export to XLSX"},
        "open_row_hint": {
            "fr": "Ouvrir la fiche 360° d'un client de cette page",
            "en": "Open the 360° screen of a customer on this page",
        },
        "list_truncated": {
            "fr": "Liste limitée aux {n} premiers clients : affinez les filtres.",
            "en": "List limited to the first {n} customers: narrow the filters.",
        },
        "no_overdue": {
            "fr": "Aucun client en retard pour ces filtres.",
            "en": "No overdue customer for these filters.",
        },
    }
)

# Source values (statuses, stages, kinds, buckets) shown to people; keys are the value
# lower-cased with spaces as underscores. Unknown values are shown as they came.
VALUES: dict[str, dict[str, str]] = {
    "posted": {"fr": "Comptabilisée", "en": "Posted"},
    "draft": {"fr": "Brouillon", "en": "Draft"},
    "cancelled": {"fr": "Annulée", "en": "Cancelled"},
    "cancel": {"fr": "Annulée", "en": "Cancelled"},
    "paid": {"fr": "Payée", "en": "Paid"},
    "confirmed": {"fr": "Confirmée", "en": "Confirmed"},
    "done": {"fr": "Terminée", "en": "Done"},
    "sale": {"fr": "Bon de commande", "en": "Sales order"},
    "invoice": {"fr": "Facture", "en": "Invoice"},
    "credit_note": {"fr": "Avoir", "en": "Credit note"},
    "order": {"fr": "Commande", "en": "Order"},
    "payment": {"fr": "Paiement", "en": "Payment"},
    "opportunity": {"fr": "Opportunité", "en": "Opportunity"},
    "open": {"fr": "Ouverte", "en": "Open"},
    "won": {"fr": "Gagnée", "en": "Won"},
    "lost": {"fr": "Perdue", "en": "Lost"},
    "closed_won": {"fr": "Gagnée", "en": "Closed won"},
    "closed_lost": {"fr": "Perdue", "en": "Closed lost"},
    "appointment_scheduled": {"fr": "Rendez-vous planifié", "en": "Appointment scheduled"},
    "qualified_to_buy": {"fr": "Qualifiée", "en": "Qualified to buy"},
    "presentation_scheduled": {"fr": "Présentation planifiée", "en": "Presentation scheduled"},
    "decision_maker_bought-in": {"fr": "Décideur convaincu", "en": "Decision maker bought in"},
    "contract_sent": {"fr": "Contrat envoyé", "en": "Contract sent"},
    "not_due": {"fr": "Non échu", "en": "Not due"},
    "1_30": {"fr": "1–30 j", "en": "1–30 days"},
    "31_60": {"fr": "31–60 j", "en": "31–60 days"},
    "61_90": {"fr": "61–90 j", "en": "61–90 days"},
    "over_90": {"fr": "+ de 90 j", "en": "Over 90 days"},
    "high": {"fr": "Élevée", "en": "High"},
    "medium": {"fr": "Moyenne", "en": "Medium"},
    "low": {"fr": "Faible", "en": "Low"},
    "crm": {"fr": "CRM", "en": "CRM"},
    "erp": {"fr": "ERP", "en": "ERP"},
    "accounting": {"fr": "Comptabilité", "en": "Accounting"},
    "document": {"fr": "Pièce", "en": "Document"},
    "erp_invoice": {"fr": "Facture ERP", "en": "ERP invoice"},
    "payment_terms": {"fr": "Conditions de paiement", "en": "Payment terms"},
    "default_terms": {"fr": "Conditions par défaut", "en": "Default terms"},
}

# Data-quality check names, reasons and fields (quality page), same lookup as VALUES.
VALUES.update(
    {
        "address_differs": {"fr": "Adresses divergentes", "en": "Addresses differ"},
        "crm_not_in_erp": {"fr": "Client CRM absent de l'ERP", "en": "CRM customer not in the ERP"},
        "erp_not_in_crm": {"fr": "Client ERP absent du CRM", "en": "ERP customer not in the CRM"},
        "invalid_legal_id": {"fr": "SIREN/SIRET invalide", "en": "Invalid SIREN/SIRET"},
        "order_cancelled_after_sync": {
            "fr": "Commande annulée après synchronisation",
            "en": "Order cancelled after sync",
        },
        "review_pending": {"fr": "Rapprochement à valider", "en": "Match awaiting review"},
        "orphan_invoice": {"fr": "Facture orpheline", "en": "Orphan invoice"},
        "orphan_ledger_line": {"fr": "Écriture orpheline", "en": "Orphan ledger line"},
        "orphan_opportunity": {"fr": "Opportunité orpheline", "en": "Orphan opportunity"},
        "orphan_order": {"fr": "Commande orpheline", "en": "Orphan order"},
        "customer_deleted": {"fr": "Client supprimé", "en": "Customer deleted"},
        "deleted_at_source": {"fr": "Supprimé à la source", "en": "Deleted at source"},
        "no_reference": {"fr": "Sans référence client", "en": "No customer reference"},
        "unknown_customer": {"fr": "Client inconnu", "en": "Unknown customer"},
        "warning": {"fr": "Avertissement", "en": "Warning"},
        "error": {"fr": "Erreur", "en": "Error"},
        "info": {"fr": "Information", "en": "Information"},
        "loaded": {"fr": "Chargé", "en": "Loaded"},
        "refused": {"fr": "Refusé", "en": "Refused"},
        "failed": {"fr": "En échec", "en": "Failed"},
        "skipped": {"fr": "Ignoré", "en": "Skipped"},
        "published": {"fr": "Publié", "en": "Published"},
        "customer": {"fr": "Client", "en": "Customer"},
        "sales_order": {"fr": "Commande", "en": "Sales order"},
        "receivable_item": {"fr": "Pièce client", "en": "Receivable item"},
        "ledger_line": {"fr": "Écriture", "en": "Ledger line"},
        "contact": {"fr": "Contact", "en": "Contact"},
        "street": {"fr": "Rue", "en": "Street"},
        "postcode": {"fr": "Code postal", "en": "Postcode"},
        "city": {"fr": "Ville", "en": "City"},
        "phone": {"fr": "Téléphone", "en": "Phone"},
        "email": {"fr": "E-mail", "en": "E-mail"},
        "siret": {"fr": "SIRET", "en": "SIRET"},
        "siren": {"fr": "SIREN", "en": "SIREN"},
        "name": {"fr": "Nom", "en": "Name"},
        "address": {"fr": "Adresse", "en": "Address"},
        "xref": {"fr": "Référence croisée", "en": "Cross-reference"},
    }
)
COLUMNS.update(
    {
        "system": {"fr": "Système", "en": "System"},
        "loaded_at": {"fr": "Chargé le", "en": "Loaded at"},
        "changed_at": {"fr": "Modifié à la source le", "en": "Changed at source"},
        "run_id": {"fr": "Exécution", "en": "Run"},
        "match_rule": {"fr": "Règle", "en": "Rule"},
        "amount_remaining": {"fr": "Reste dû après encaissements", "en": "Remaining after cash"},
        # Covered by unlettered payments and credit notes, oldest first (not lettering).
        "amount_allocated": {"fr": "Couvert par les encaissements", "en": "Covered by cash"},
        "credit_note_amount": {"fr": "Avoirs", "en": "Credit notes"},
        "won_count": {"fr": "Affaires gagnées", "en": "Deals won"},
        "lost_count": {"fr": "Affaires perdues", "en": "Deals lost"},
        "decisions": {"fr": "Décisions des gestionnaires", "en": "Steward decisions"},
        "due_date_rule": {"fr": "Échéance tirée de", "en": "Due date from"},
        "aging_bucket": {"fr": "Tranche", "en": "Bucket"},
    }
)

STRINGS.update(
    {
        "kpi_as_of": {
            "fr": "Mois de référence : {month} (chiffres au {as_of})",
            "en": "Headline month: {month} (figures as of {as_of})",
        },
        "credit_notes": {"fr": "Avoirs", "en": "Credit notes"},
        "new_customers": {"fr": "Nouveaux clients", "en": "New customers"},
        "revenue_trend": {
            "fr": "Chiffre d'affaires mensuel, année sur année",
            "en": "Monthly revenue, year over year",
        },
        "dso_trend": {"fr": "DSO (jours) par mois", "en": "DSO (days) by month"},
        "funnel": {"fr": "Pipeline ouvert par étape", "en": "Open pipeline by stage"},
        "by_segment_title": {
            "fr": "Par segment (8 premiers + autres)",
            "en": "By segment (top 8 + others)",
        },
        "by_owner_title": {"fr": "Par commercial", "en": "By owner"},
        "top_customers": {
            "fr": "10 premiers clients de la période",
            "en": "Top 10 customers of the period",
        },
        "customers_trend": {"fr": "Clients actifs et nouveaux", "en": "Active and new customers"},
        "months_24": {"fr": "24 mois", "en": "24 months"},
        "period_months": {"fr": "Période", "en": "Period"},
        "no_kpis": {
            "fr": "Aucun indicateur pour cette période.",
            "en": "No KPI for this period.",
        },
    }
)
VALUES.update(
    {
        "(others)": {"fr": "Autres", "en": "Others"},
        "(none)": {"fr": "Non renseigné", "en": "Not set"},
    }
)

STRINGS.update(
    {
        "always_match": {"fr": "Toujours rapprocher", "en": "Always match"},
        "never_match": {"fr": "Ne jamais rapprocher", "en": "Never match"},
        "decision_saved": {
            "fr": "Décision enregistrée : appliquée au prochain calcul ({left} ↔ {right}).",
            "en": "Decision recorded: applied at the next build ({left} ↔ {right}).",
        },
        "review_empty": {
            "fr": "Aucune paire à examiner.",
            "en": "No pair awaiting review.",
        },
    }
)

STRINGS.update(
    {
        "days_late_chart": {"fr": "Jours de retard par facture", "en": "Days late per invoice"},
        "revenue_24_months": {
            "fr": "Chiffre d'affaires HT, 24 derniers mois",
            "en": "Revenue excl. tax, last 24 months",
        },
    }
)
STRINGS["no_overdue_items"] = {"fr": "Aucune facture en retard.", "en": "No invoice overdue."}

# 360° relationship line (facts of customer_360), lazy tabs, one-point series
STRINGS.update(
    {
        "last_activity_label": {"fr": "Dernière activité", "en": "Last activity"},
        "next_activity_label": {"fr": "Prochaine activité", "en": "Next activity"},
        "open_tickets_label": {"fr": "Tickets ouverts", "en": "Open tickets"},
        "open_quotes_label": {"fr": "Devis ouverts", "en": "Open quotes"},
        "payment_behaviour_label": {"fr": "Paiements (12 mois)", "en": "Payments (12 months)"},
        "no_payment_behaviour": {
            "fr": "aucune facture réglée en 12 mois",
            "en": "no invoice settled in 12 months",
        },
        "payment_behaviour": {
            "fr": "paie en {days} (médiane), {rate} à l'heure, {n} facture(s)",
            "en": "pays in {days} (median), {rate} on time, {n} invoice(s)",
        },
        "days_word": {"fr": "jours", "en": "days"},
        "pay_trend_faster": {"fr": "plus vite qu'avant", "en": "faster than before"},
        "pay_trend_steady": {"fr": "stable", "en": "steady"},
        "pay_trend_slower": {"fr": "plus lentement qu'avant", "en": "slower than before"},
        "not_provided": {
            "fr": "non fourni par l'API",
            "en": "not provided by the API",
        },
        "no_last_activity": {"fr": "aucune activité enregistrée", "en": "no activity recorded"},
        "no_next_activity": {"fr": "aucune activité prévue", "en": "nothing planned"},
        "no_open_ticket": {"fr": "aucun ticket ouvert", "en": "no open ticket"},
        "no_open_quote": {"fr": "aucun devis ouvert", "en": "no open quote"},
        "open_tickets_n": {"fr": "{n} ticket(s) ouvert(s)", "en": "{n} open ticket(s)"},
        "open_quotes_n": {"fr": "{n} devis, {amount}", "en": "{n} quote(s), {amount}"},
        "oldest_since": {"fr": "le plus ancien du {date}", "en": "oldest {date}"},
        "oldest_days": {"fr": "le plus ancien a {days}", "en": "oldest {days} old"},
        "tab_charts": {"fr": "Graphiques", "en": "Charts"},
        "one_point": {
            "fr": "Un seul point pour l'instant (un calcul) : la courbe apparaîtra avec les "
            "calculs suivants.",
            "en": "One point so far (one build): the line appears with the next builds.",
        },
    }
)

# KPI page tabs and one-point series
STRINGS.update(
    {
        "kpi_tab_revenue": {"fr": "Chiffre d'affaires", "en": "Revenue"},
        "kpi_tab_collections": {"fr": "Encaissement", "en": "Collections"},
        "kpi_tab_pipeline": {"fr": "Pipeline", "en": "Pipeline"},
        "kpi_tab_customers": {"fr": "Clients", "en": "Customers"},
        "kpi_tab_segments": {"fr": "Segments", "en": "Segments"},
        "kpi_tab_owners": {"fr": "Commerciaux", "en": "Owners"},
        "overdue_share_trend": {"fr": "Part échue par mois", "en": "Overdue share by month"},
        "win_rate_trend": {
            "fr": "Taux de transformation par mois",
            "en": "Win rate by month",
        },
        "value_at": {"fr": "{label} au {date}", "en": "{label} as of {date}"},
        "no_history_point": {
            "fr": "{label} : aucun point dans l'historique des soldes pour cette période.",
            "en": "{label}: no point in the balance history for this period.",
        },
    }
)

# Quality page: checks drilled down to their records, rejects, runs as tables
STRINGS.update(
    {
        "quality_tab_matching": {"fr": "Rapprochement", "en": "Matching"},
        "check_drill": {"fr": "Voir les constats du contrôle", "en": "Show the check's records"},
        "no_check_failed": {
            "fr": "Aucun contrôle en défaut sur cet instantané.",
            "en": "No check failed on this snapshot.",
        },
        "check_by_field": {
            "fr": "Valeurs divergentes par champ (les fiches concernées sont sur la fiche 360° "
            "de chaque client, onglet Fiches sources).",
            "en": "Differing values by field (the records concerned are on each customer's "
            "360° screen, Source records tab).",
        },
        "check_elsewhere": {
            "fr": "Pour les valider ou les écarter : onglet {where}.",
            "en": "To accept or reject them: {where} tab.",
        },
        "check_orphans": {
            "fr": "Montants et pièces désignées de chaque orphelin : onglet {where}.",
            "en": "Each orphan's amount and the customer it names: {where} tab.",
        },
        "no_rejects": {
            "fr": "Aucune ligne rejetée au dernier chargement.",
            "en": "No row rejected by the last load.",
        },
        "reject_reasons": {"fr": "Motifs de rejet", "en": "Reject reasons"},
    }
)
COLUMNS.update(
    {
        "build_id": {"fr": "Calcul", "en": "Build"},
        "detail": {"fr": "Constat", "en": "Finding"},
        "customer_id": {"fr": "N° client", "en": "Customer id"},
        "failed_checks": {"fr": "Contrôles en échec", "en": "Failed checks"},
        "customers": {"fr": "Clients", "en": "Customers"},
        "source_records": {"fr": "Fiches sources", "en": "Source records"},
        "redirects": {"fr": "Redirections", "en": "Redirects"},
        "conflicts": {"fr": "Conflits", "en": "Conflicts"},
        "review_pending": {"fr": "À valider", "en": "Awaiting review"},
        "open_items": {"fr": "Pièces ouvertes", "en": "Open items"},
        "alerts": {"fr": "Alertes", "en": "Alerts"},
        "data_quality_rows": {"fr": "Constats qualité", "en": "Quality findings"},
        "links_xref": {"fr": "Liens par code", "en": "Links by code"},
        "links_legal_id": {"fr": "Liens SIREN/SIRET", "en": "Links by legal id"},
        "links_contact": {"fr": "Liens par contact", "en": "Links by contact"},
        "links_fuzzy": {"fr": "Liens approchés", "en": "Fuzzy links"},
        "links_ledger_name": {"fr": "Liens par libellé de compte", "en": "Links by ledger name"},
    }
)

# Write-back log page (admins, issue 15)
STRINGS.update(
    {
        "page_writeback": {"fr": "Écritures CRM", "en": "CRM write-back"},
        "wb_intro": {
            "fr": "Chaque valeur que c360 a écrite (ou tenté d'écrire) dans un champ du CRM, "
            "la plus récente d'abord. Une écriture refusée est renvoyée à la prochaine nuit.",
            "en": "Every value c360 wrote (or tried to write) into a CRM field, newest first. "
            "A refused write is sent again the next night.",
        },
        "wb_written_at": {"fr": "Écrit le (UTC)", "en": "Written (UTC)"},
        "wb_source": {"fr": "Source", "en": "Source"},
        "wb_customer": {"fr": "Client", "en": "Customer"},
        "wb_record": {"fr": "Fiche CRM", "en": "CRM record"},
        "wb_field": {"fr": "Champ", "en": "Field"},
        "wb_old": {"fr": "Valeur précédente", "en": "Previous value"},
        "wb_new": {"fr": "Nouvelle valeur", "en": "New value"},
        "wb_emptied": {"fr": "(vidé)", "en": "(emptied)"},
        "wb_result": {"fr": "Résultat", "en": "Result"},
        "wb_result_all": {"fr": "Tous", "en": "All"},
        "wb_result_ok": {"fr": "Écrit", "en": "Written"},
        "wb_result_failed": {"fr": "Refusé", "en": "Failed"},
        "wb_message": {"fr": "Motif du CRM", "en": "CRM's reason"},
        "wb_empty": {"fr": "Aucune écriture.", "en": "No write."},
        "wb_page": {"fr": "Page {n}", "en": "Page {n}"},
        "page_previous": {"fr": "Page précédente", "en": "Previous page"},
        "page_next": {"fr": "Page suivante", "en": "Next page"},
        "rows_range": {"fr": "Lignes {first}–{last} sur {n}", "en": "Rows {first}–{last} of {n}"},
    }
)

# What an alert banner says after its title (kernel/locale_format.py's ALERT_TITLES): only
# what the title does not (filled by locale_format.fill_alert); a kind not here shows its
# title alone.
ALERT_DETAILS: dict[str, dict[str, str]] = {
    "overdue_before_offer": {"fr": "{amount}", "en": "{amount}"},
    "credit_limit_exceeded": {"fr": "dépassement de {amount}", "en": "by {amount}"},
    "address_conflict": {"fr": "{field_names}", "en": "{field_names}"},
    "order_cancelled_after_sync": {"fr": "{reference}, {amount}", "en": "{reference}, {amount}"},
    "quote_unanswered": {
        "fr": "{reference}, {amount}, envoyé il y a {days} j",
        "en": "{reference}, {amount}, sent {days} days ago",
    },
    "urgent_ticket": {
        "fr": "{reference}{subject}, ouvert le {date}",
        "en": "{reference}{subject}, open since {date}",
    },
    "stale_source": {"fr": "{reference}, {last_load}", "en": "{reference}, {last_load}"},
}
