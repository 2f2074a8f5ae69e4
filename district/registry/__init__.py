"""Who is a member: members, their grassroots unions and family, the towns of 吴中区 with
their serial ranges, and the member registry CSV import."""
