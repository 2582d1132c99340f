"""Message channels besides email (Telegram, WhatsApp, SMS): one adapter each behind `base.Channel`, built from the
configuration by `registry.build_channels` and absent when not configured."""
