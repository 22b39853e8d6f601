//! Table definitions shared by both backends. Only column types that
//! `MultiConnection` supports are used: UUIDs stay TEXT, instants are UTC
//! `Timestamp`, dates and times are hall-local `Date` / `Time`.

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    /// Bumped by triggers on every catalogue change (migration 14).
    catalogue_version (id) {
        id -> Integer,
        version -> BigInt,
    }
}

diesel::table! {
    halls (id) {
        id -> Integer,
        code -> Text,
        name -> Text,
        level -> Text,
        parent_id -> Nullable<Integer>,
        address -> Text,
        phone -> Text,
        slot_minutes -> Integer,
        slot_capacity -> Integer,
        online_share_percent -> Integer,
        active -> Bool,
        created_at -> Timestamp,
        booking_horizon_days -> Integer,
        same_day_cutoff -> Time,
        min_lead_minutes -> Integer,
        cancel_cutoff_minutes -> Integer,
        max_active_bookings -> Integer,
        no_show_limit -> Integer,
        no_show_window_days -> Integer,
        suspension_days -> Integer,
        checkin_early_minutes -> Integer,
        checkin_late_minutes -> Integer,
        starvation_minutes -> Integer,
        complaint_phone -> Text,
        waitlist_hold_minutes -> Integer,
        release_delay_minutes -> Integer,
        cancel_limit -> Integer,
        cancel_window_days -> Integer,
        cancel_suspension_days -> Integer,
        limit_counts_items -> Bool,
        follow_up_days -> Integer,
        default_rating_days -> Integer,
        default_rating_grade -> Integer,
    }
}

diesel::table! {
    zones (id) {
        id -> Integer,
        hall_id -> Integer,
        letter -> Text,
        name -> Text,
        floor -> Integer,
    }
}

diesel::table! {
    departments (id) {
        id -> Integer,
        hall_id -> Integer,
        code -> Text,
        name -> Text,
        short_name -> Text,
        phone -> Text,
        sort_order -> Integer,
        active -> Bool,
    }
}

diesel::table! {
    windows (id) {
        id -> Integer,
        hall_id -> Integer,
        number -> Integer,
        name -> Text,
        zone_id -> Integer,
        department_id -> Integer,
        active -> Bool,
        paused -> Bool,
        current_clerk_id -> Nullable<Integer>,
    }
}

diesel::table! {
    service_items (id) {
        id -> Integer,
        hall_id -> Integer,
        department_id -> Integer,
        code -> Text,
        name -> Text,
        category -> Text,
        delivery -> Text,
        legal_days -> Integer,
        promised_days -> Integer,
        fee -> Text,
        subject -> Text,
        description -> Text,
        bookable_online -> Bool,
        active -> Bool,
        walk_in_quota -> Nullable<Integer>,
        target_wait_minutes -> Nullable<Integer>,
        avg_service_minutes -> Integer,
        legal_basis -> Text,
        conditions -> Text,
        visits -> Integer,
        online -> Bool,
        by_post -> Bool,
        scope -> Text,
        fee_basis -> Text,
        result -> Text,
        result_delivery -> Text,
        max_extension_days -> Integer,
        supplement_stops_clock -> Bool,
    }
}

diesel::table! {
    service_materials (id) {
        id -> Integer,
        service_id -> Integer,
        position -> Integer,
        name -> Text,
        form -> Text,
        copies -> Text,
        note -> Text,
        medium -> Text,
        necessity -> Text,
        source -> Text,
    }
}

diesel::table! {
    service_files (id) {
        id -> Integer,
        service_id -> Integer,
        kind -> Text,
        title -> Text,
        file_name -> Text,
        content_type -> Text,
        content -> Binary,
        size_bytes -> Integer,
        uploaded_at -> Timestamp,
    }
}

diesel::table! {
    window_services (window_id, service_id) {
        window_id -> Integer,
        service_id -> Integer,
    }
}

diesel::table! {
    opening_hours (hall_id, weekday) {
        hall_id -> Integer,
        weekday -> Integer,
        morning_start -> Nullable<Time>,
        morning_end -> Nullable<Time>,
        afternoon_start -> Nullable<Time>,
        afternoon_end -> Nullable<Time>,
    }
}

diesel::table! {
    calendar_days (day) {
        day -> Date,
        kind -> Text,
        name -> Text,
    }
}

diesel::table! {
    accounts (id) {
        id -> Integer,
        role -> Text,
        name -> Text,
        phone -> Text,
        id_number_cipher -> Nullable<Binary>,
        id_number_hash -> Nullable<Text>,
        password_hash -> Text,
        hall_id -> Nullable<Integer>,
        department_id -> Nullable<Integer>,
        window_id -> Nullable<Integer>,
        disabled -> Bool,
        must_change_password -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        account_id -> Integer,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        user_agent -> Text,
    }
}

diesel::table! {
    api_tokens (token_hash) {
        token_hash -> Text,
        account_id -> Integer,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    devices (id) {
        id -> Integer,
        hall_id -> Integer,
        kind -> Text,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        created_by -> Integer,
        last_seen_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    slot_counters (window_id, day, start_time) {
        window_id -> Integer,
        day -> Date,
        start_time -> Time,
        booked -> Integer,
    }
}

diesel::table! {
    bookings (id) {
        id -> Integer,
        code -> Text,
        account_id -> Integer,
        hall_id -> Integer,
        service_id -> Integer,
        window_id -> Integer,
        day -> Date,
        start_time -> Time,
        end_time -> Time,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        places -> Integer,
    }
}

diesel::table! {
    booking_items (booking_id, service_id) {
        booking_id -> Integer,
        service_id -> Integer,
        position -> Integer,
    }
}

diesel::table! {
    waitlist_entries (id) {
        id -> Integer,
        account_id -> Integer,
        hall_id -> Integer,
        service_id -> Integer,
        day -> Date,
        start_time -> Nullable<Time>,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        offered_at -> Nullable<Timestamp>,
        offer_until -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        booking_id -> Nullable<Integer>,
    }
}

diesel::table! {
    place_holds (id) {
        id -> Integer,
        window_id -> Integer,
        day -> Date,
        start_time -> Time,
        end_time -> Time,
        entry_id -> Nullable<Integer>,
        until -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (caller, key) {
        caller -> Text,
        key -> Text,
        fingerprint -> Text,
        status -> Integer,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    booking_events (id) {
        id -> Integer,
        booking_id -> Integer,
        status -> Text,
        note -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> Integer,
        message_id -> Text,
        account_id -> Integer,
        booking_id -> Nullable<Integer>,
        kind -> Text,
        body -> Text,
        status -> Text,
        attempts -> Integer,
        due_at -> Timestamp,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Text,
        sent_at -> Nullable<Timestamp>,
        failed_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    ticket_counters (hall_id, day, letter) {
        hall_id -> Integer,
        day -> Date,
        letter -> Text,
        last_seq -> Integer,
    }
}

diesel::table! {
    walk_in_counters (service_id, day) {
        service_id -> Integer,
        day -> Date,
        issued -> Integer,
    }
}

diesel::table! {
    tickets (id) {
        id -> Integer,
        hall_id -> Integer,
        day -> Date,
        letter -> Text,
        seq -> Integer,
        number -> Text,
        service_id -> Integer,
        booking_id -> Nullable<Integer>,
        status -> Text,
        priority_reason -> Nullable<Text>,
        appointment_at -> Nullable<Timestamp>,
        queue_since -> Timestamp,
        issued_at -> Timestamp,
        target_window_id -> Nullable<Integer>,
        window_id -> Nullable<Integer>,
        clerk_id -> Nullable<Integer>,
        call_count -> Integer,
        called_at -> Nullable<Timestamp>,
        started_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
        wait_seconds -> Nullable<Integer>,
        service_seconds -> Nullable<Integer>,
    }
}

diesel::table! {
    ticket_items (ticket_id, service_id) {
        ticket_id -> Integer,
        service_id -> Integer,
        position -> Integer,
        outcome -> Nullable<Text>,
        outcome_note -> Text,
        window_id -> Nullable<Integer>,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    ticket_events (id) {
        id -> Integer,
        ticket_id -> Integer,
        kind -> Text,
        window_id -> Nullable<Integer>,
        actor_id -> Nullable<Integer>,
        note -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    ticket_missing_materials (ticket_id, service_id, position) {
        ticket_id -> Integer,
        service_id -> Integer,
        position -> Integer,
        name -> Text,
    }
}

diesel::table! {
    case_counters (hall_id, day) {
        hall_id -> Integer,
        day -> Date,
        last_seq -> Integer,
    }
}

diesel::table! {
    cases (id) {
        id -> Integer,
        case_number -> Text,
        hall_id -> Integer,
        department_id -> Integer,
        service_id -> Integer,
        ticket_id -> Integer,
        booking_id -> Nullable<Integer>,
        account_id -> Nullable<Integer>,
        phone_last4 -> Text,
        status -> Text,
        received_on -> Date,
        notice_due -> Nullable<Date>,
        notice_at -> Nullable<Timestamp>,
        notice_text -> Text,
        notice_late -> Bool,
        accepted_on -> Nullable<Date>,
        promised_days -> Integer,
        legal_days -> Integer,
        promised_due -> Nullable<Date>,
        legal_due -> Nullable<Date>,
        suspended_days -> Integer,
        suspended_since -> Nullable<Date>,
        extended_days -> Integer,
        extension_reason -> Text,
        extended_by -> Nullable<Integer>,
        extended_at -> Nullable<Timestamp>,
        concluded_at -> Nullable<Timestamp>,
        conclusion_note -> Text,
        on_time -> Nullable<Bool>,
        result_name -> Text,
        delivery -> Text,
        closed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    case_suspensions (id) {
        id -> Integer,
        case_id -> Integer,
        kind -> Text,
        reason -> Text,
        from_day -> Date,
        to_day -> Nullable<Date>,
        started_at -> Timestamp,
        started_by -> Nullable<Integer>,
        ended_at -> Nullable<Timestamp>,
        ended_by -> Nullable<Integer>,
    }
}

diesel::table! {
    case_events (id) {
        id -> Integer,
        case_id -> Integer,
        status -> Text,
        note -> Text,
        actor_id -> Nullable<Integer>,
        at -> Timestamp,
    }
}

diesel::table! {
    ratings (id) {
        id -> Integer,
        ticket_id -> Integer,
        case_id -> Nullable<Integer>,
        grade -> Integer,
        comment -> Text,
        reasons -> Text,
        channel -> Text,
        hall_id -> Integer,
        window_id -> Nullable<Integer>,
        clerk_id -> Nullable<Integer>,
        service_id -> Integer,
        department_id -> Integer,
        excluded -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    follow_ups (id) {
        id -> Integer,
        rating_id -> Integer,
        department_id -> Integer,
        due_on -> Date,
        callback_note -> Text,
        callback_at -> Nullable<Timestamp>,
        fix_note -> Text,
        fix_at -> Nullable<Timestamp>,
        report_note -> Text,
        report_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        escalated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    rating_appeals (id) {
        id -> Integer,
        rating_id -> Integer,
        department_id -> Integer,
        reason -> Text,
        evidence -> Text,
        filed_by -> Integer,
        filed_at -> Timestamp,
        status -> Text,
        decided_by -> Nullable<Integer>,
        decided_at -> Nullable<Timestamp>,
        decision_note -> Text,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Integer,
        at -> Timestamp,
        actor_id -> Nullable<Integer>,
        actor_role -> Text,
        ip -> Text,
        action -> Text,
        target -> Text,
        result -> Text,
        detail -> Text,
    }
}

diesel::joinable!(zones -> halls (hall_id));
diesel::joinable!(departments -> halls (hall_id));
diesel::joinable!(windows -> departments (department_id));
diesel::joinable!(windows -> zones (zone_id));
diesel::joinable!(service_items -> departments (department_id));
diesel::joinable!(service_materials -> service_items (service_id));
diesel::joinable!(service_files -> service_items (service_id));
diesel::joinable!(window_services -> windows (window_id));
diesel::joinable!(window_services -> service_items (service_id));
diesel::joinable!(opening_hours -> halls (hall_id));
diesel::joinable!(sessions -> accounts (account_id));
diesel::joinable!(api_tokens -> accounts (account_id));
diesel::joinable!(devices -> halls (hall_id));
diesel::joinable!(bookings -> service_items (service_id));
diesel::joinable!(bookings -> windows (window_id));
diesel::joinable!(bookings -> accounts (account_id));
diesel::joinable!(booking_events -> bookings (booking_id));
diesel::joinable!(booking_items -> bookings (booking_id));
diesel::joinable!(booking_items -> service_items (service_id));
diesel::joinable!(ticket_items -> tickets (ticket_id));
diesel::joinable!(ticket_items -> service_items (service_id));
diesel::joinable!(waitlist_entries -> service_items (service_id));
diesel::joinable!(waitlist_entries -> accounts (account_id));
diesel::joinable!(place_holds -> windows (window_id));
diesel::joinable!(place_holds -> waitlist_entries (entry_id));
diesel::joinable!(notifications -> accounts (account_id));
diesel::joinable!(tickets -> service_items (service_id));
diesel::joinable!(slot_counters -> windows (window_id));
diesel::joinable!(tickets -> bookings (booking_id));
diesel::joinable!(ticket_events -> tickets (ticket_id));
diesel::joinable!(ticket_missing_materials -> tickets (ticket_id));
diesel::joinable!(cases -> service_items (service_id));
diesel::joinable!(cases -> tickets (ticket_id));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(ratings -> tickets (ticket_id));
diesel::joinable!(ratings -> service_items (service_id));
diesel::joinable!(follow_ups -> ratings (rating_id));
diesel::joinable!(case_suspensions -> cases (case_id));
diesel::joinable!(rating_appeals -> ratings (rating_id));

diesel::allow_tables_to_appear_in_same_query!(
    service_files,
    settings,
    halls,
    zones,
    departments,
    windows,
    service_items,
    service_materials,
    window_services,
    opening_hours,
    calendar_days,
    accounts,
    sessions,
    api_tokens,
    devices,
    slot_counters,
    bookings,
    booking_events,
    booking_items,
    ticket_items,
    waitlist_entries,
    place_holds,
    idempotency_keys,
    notifications,
    ticket_counters,
    walk_in_counters,
    tickets,
    ticket_events,
    ticket_missing_materials,
    case_counters,
    cases,
    case_suspensions,
    case_events,
    ratings,
    follow_ups,
    rating_appeals,
    audit_log,
);
