//! Messages to residents: how they go out and where they stand.

word_enum! {
    /// The channels Kontakt sends on by itself.
    OutboundChannel {
        Email = "email",
        Sms = "sms",
    }
}

word_enum! {
    /// Where an outgoing message stands.
    OutboundState {
        /// Waiting to be sent (or to be tried again).
        Queued = "queued",
        /// Handed to the mail server or the SMS gateway.
        Sent = "sent",
        /// The gateway reported delivery to the phone.
        Delivered = "delivered",
        /// Given up on: the address was refused, or every attempt failed.
        Failed = "failed",
    }
}
