"""One-time codes that open an account: invitations and recovery, issued by the office
and redeemed by the person."""
