CREATE TABLE "Community" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "imageUrl" TEXT NOT NULL,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "Community_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Community_name_key" ON "Community"("name");
CREATE UNIQUE INDEX "Community_slug_key" ON "Community"("slug");
CREATE INDEX "Community_name_idx" ON "Community"("name");
CREATE INDEX "Community_slug_idx" ON "Community"("slug");
CREATE INDEX "Community_createdAt_idx" ON "Community"("createdAt");
CREATE INDEX "Community_updatedAt_idx" ON "Community"("updatedAt");

CREATE TABLE "RoomGroup" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "order" INTEGER NOT NULL,
    "communityId" TEXT NOT NULL,
    CONSTRAINT "RoomGroup_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "RoomGroup_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE "Room" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "order" INTEGER NOT NULL,
    "postingRole" TEXT NOT NULL DEFAULT 'member',
    "roomGroupId" TEXT NOT NULL,
    CONSTRAINT "Room_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Room_roomGroupId_fkey" FOREIGN KEY ("roomGroupId") REFERENCES "RoomGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE "Conversation" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL DEFAULT 'DIRECT' CHECK ("type" IN ('DIRECT', 'GROUP', 'SESSION', 'SUPPORT')),
    "title" TEXT,
    "isActive" INTEGER NOT NULL DEFAULT 1 CHECK ("isActive" IN (0, 1)),
    "lastMessageAt" TEXT,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "Conversation_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "Conversation_lastMessageAt_idx" ON "Conversation"("lastMessageAt");
CREATE INDEX "Conversation_isActive_idx" ON "Conversation"("isActive");
CREATE INDEX "Conversation_type_idx" ON "Conversation"("type");
CREATE INDEX "Conversation_type_lastMessageAt_idx" ON "Conversation"("type", "lastMessageAt");
CREATE INDEX "Conversation_type_isActive_lastMessageAt_idx" ON "Conversation"("type", "isActive", "lastMessageAt");
CREATE INDEX "Conversation_createdAt_idx" ON "Conversation"("createdAt");
CREATE INDEX "Conversation_isActive_lastMessageAt_idx" ON "Conversation"("isActive", "lastMessageAt");

CREATE TABLE "TypingIndicator" (
    "id" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "isTyping" INTEGER NOT NULL DEFAULT 1 CHECK ("isTyping" IN (0, 1)),
    "lastTypingAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    CONSTRAINT "TypingIndicator_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "TypingIndicator_conversationId_userId_key" ON "TypingIndicator"("conversationId", "userId");
CREATE INDEX "TypingIndicator_conversationId_idx" ON "TypingIndicator"("conversationId");
CREATE INDEX "TypingIndicator_lastTypingAt_idx" ON "TypingIndicator"("lastTypingAt");

CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "firstName" TEXT NOT NULL,
    "middleName" TEXT,
    "lastName" TEXT NOT NULL,
    "birthDate" TEXT,
    "address" TEXT,
    "role" TEXT NOT NULL DEFAULT 'client',
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    "password" TEXT,
    "emailVerified" INTEGER NOT NULL DEFAULT 0 CHECK ("emailVerified" IN (0, 1)),
    "emailVerifyToken" TEXT,
    "emailVerifyTokenExp" TEXT,
    "resetToken" TEXT,
    "resetTokenExpiry" TEXT,
    "isActive" INTEGER NOT NULL DEFAULT 1 CHECK ("isActive" IN (0, 1)),
    "failedLoginCount" INTEGER NOT NULL DEFAULT 0,
    "avatarUrl" TEXT,
    "coverImageUrl" TEXT,
    "bio" TEXT,
    "suspendedAt" TEXT,
    "suspendedBy" TEXT,
    "suspensionReason" TEXT,
    "deactivatedAt" TEXT,
    "deactivatedBy" TEXT,
    "deactivationReason" TEXT,
    "lastLoginAt" TEXT,
    "lockoutUntil" TEXT,
    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "User_id_key" ON "User"("id");
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE UNIQUE INDEX "User_emailVerifyToken_key" ON "User"("emailVerifyToken");
CREATE UNIQUE INDEX "User_resetToken_key" ON "User"("resetToken");
CREATE INDEX "User_email_idx" ON "User"("email");
CREATE INDEX "User_role_idx" ON "User"("role");
CREATE INDEX "User_isActive_idx" ON "User"("isActive");
CREATE INDEX "User_role_isActive_idx" ON "User"("role", "isActive");
CREATE INDEX "User_role_isActive_createdAt_idx" ON "User"("role", "isActive", "createdAt");
CREATE INDEX "User_email_isActive_idx" ON "User"("email", "isActive");
CREATE INDEX "User_createdAt_idx" ON "User"("createdAt");
CREATE INDEX "User_emailVerified_idx" ON "User"("emailVerified");
CREATE INDEX "User_lastLoginAt_idx" ON "User"("lastLoginAt");

CREATE TABLE "Membership" (
    "id" TEXT NOT NULL,
    "joinedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "communityId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    CONSTRAINT "Membership_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Membership_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "Membership_userId_communityId_key" ON "Membership"("userId", "communityId");
CREATE INDEX "Membership_userId_idx" ON "Membership"("userId");
CREATE INDEX "Membership_communityId_idx" ON "Membership"("communityId");

CREATE TABLE "Post" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "roomId" TEXT,
    "attachmentUrls" TEXT DEFAULT '[]',
    "attachmentNames" TEXT DEFAULT '[]',
    "attachmentSizes" TEXT DEFAULT '[]',
    CONSTRAINT "Post_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Post_roomId_fkey" FOREIGN KEY ("roomId") REFERENCES "Room"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Post_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "Post_userId_idx" ON "Post"("userId");
CREATE INDEX "Post_roomId_idx" ON "Post"("roomId");
CREATE INDEX "Post_roomId_createdAt_idx" ON "Post"("roomId", "createdAt");
CREATE INDEX "Post_userId_createdAt_idx" ON "Post"("userId", "createdAt");
CREATE INDEX "Post_createdAt_idx" ON "Post"("createdAt");
CREATE INDEX "Post_title_idx" ON "Post"("title");
CREATE INDEX "Post_roomId_userId_createdAt_idx" ON "Post"("roomId", "userId", "createdAt");

CREATE TABLE "Comment" (
    "id" TEXT NOT NULL,
    "postId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "parentId" TEXT,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    "attachmentUrls" TEXT DEFAULT '[]',
    "attachmentNames" TEXT DEFAULT '[]',
    "attachmentSizes" TEXT DEFAULT '[]',
    CONSTRAINT "Comment_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Comment_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Comment"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Comment_postId_fkey" FOREIGN KEY ("postId") REFERENCES "Post"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Comment_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "Comment_postId_idx" ON "Comment"("postId");
CREATE INDEX "Comment_userId_idx" ON "Comment"("userId");
CREATE INDEX "Comment_parentId_idx" ON "Comment"("parentId");
CREATE INDEX "Comment_postId_parentId_idx" ON "Comment"("postId", "parentId");
CREATE INDEX "Comment_postId_createdAt_idx" ON "Comment"("postId", "createdAt");
CREATE INDEX "Comment_createdAt_idx" ON "Comment"("createdAt");

CREATE TABLE "CommentHeart" (
    "id" TEXT NOT NULL,
    "commentId" TEXT NOT NULL,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "userId" TEXT NOT NULL,
    CONSTRAINT "CommentHeart_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "CommentHeart_commentId_fkey" FOREIGN KEY ("commentId") REFERENCES "Comment"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "CommentHeart_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "CommentHeart_commentId_userId_key" ON "CommentHeart"("commentId", "userId");
CREATE INDEX "CommentHeart_commentId_idx" ON "CommentHeart"("commentId");
CREATE INDEX "CommentHeart_userId_idx" ON "CommentHeart"("userId");

CREATE TABLE "PostHeart" (
    "id" TEXT NOT NULL,
    "postId" TEXT NOT NULL,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "userId" TEXT NOT NULL,
    CONSTRAINT "PostHeart_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "PostHeart_postId_fkey" FOREIGN KEY ("postId") REFERENCES "Post"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PostHeart_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "PostHeart_postId_userId_key" ON "PostHeart"("postId", "userId");
CREATE INDEX "PostHeart_postId_idx" ON "PostHeart"("postId");
CREATE INDEX "PostHeart_userId_idx" ON "PostHeart"("userId");

CREATE TABLE "Report" (
    "id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "content" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PENDING' CHECK ("status" IN ('PENDING', 'REVIEWED', 'DISMISSED')),
    "postId" TEXT,
    "commentId" TEXT,
    "reportedUserId" TEXT,
    "reporterId" TEXT NOT NULL,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "Report_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Report_commentId_fkey" FOREIGN KEY ("commentId") REFERENCES "Comment"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Report_postId_fkey" FOREIGN KEY ("postId") REFERENCES "Post"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Report_reportedUserId_fkey" FOREIGN KEY ("reportedUserId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Report_reporterId_fkey" FOREIGN KEY ("reporterId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "Report_reporterId_idx" ON "Report"("reporterId");
CREATE INDEX "Report_postId_idx" ON "Report"("postId");
CREATE INDEX "Report_commentId_idx" ON "Report"("commentId");
CREATE INDEX "Report_reportedUserId_idx" ON "Report"("reportedUserId");
CREATE INDEX "Report_status_createdAt_idx" ON "Report"("status", "createdAt");

CREATE TABLE "GroupTherapySessions" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "communityId" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "sessionType" TEXT NOT NULL CHECK ("sessionType" IN ('VIRTUAL', 'IN_PERSON')),
    "sessionFormat" TEXT,
    "scheduledAt" TEXT NOT NULL,
    "duration" INTEGER NOT NULL,
    "maxParticipants" INTEGER NOT NULL,
    "virtualLink" TEXT,
    "location" TEXT,
    "locationAddress" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PENDING_APPROVAL' CHECK ("status" IN ('PENDING_APPROVAL', 'APPROVED', 'CANCELLED', 'IN_PROGRESS', 'COMPLETED')),
    "cancelledAt" TEXT,
    "cancellationReason" TEXT,
    "completedAt" TEXT,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "GroupTherapySessions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "GroupTherapySessions_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "GroupTherapySessions_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "GroupTherapySessions_communityId_idx" ON "GroupTherapySessions"("communityId");
CREATE INDEX "GroupTherapySessions_createdById_idx" ON "GroupTherapySessions"("createdById");
CREATE INDEX "GroupTherapySessions_status_idx" ON "GroupTherapySessions"("status");
CREATE INDEX "GroupTherapySessions_scheduledAt_idx" ON "GroupTherapySessions"("scheduledAt");

CREATE TABLE "GroupSessionParticipants" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "joinedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "attendanceStatus" TEXT NOT NULL DEFAULT 'REGISTERED' CHECK ("attendanceStatus" IN ('REGISTERED', 'ATTENDED', 'NO_SHOW', 'CANCELLED')),
    "leftAt" TEXT,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "GroupSessionParticipants_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "GroupSessionParticipants_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "GroupTherapySessions"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "GroupSessionParticipants_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "GroupSessionParticipants_sessionId_userId_key" ON "GroupSessionParticipants"("sessionId", "userId");
CREATE INDEX "GroupSessionParticipants_userId_idx" ON "GroupSessionParticipants"("userId");
CREATE INDEX "GroupSessionParticipants_sessionId_attendanceStatus_idx" ON "GroupSessionParticipants"("sessionId", "attendanceStatus");

CREATE TABLE "JournalEntry" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "JournalEntry_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "JournalEntry_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "JournalEntry_userId_idx" ON "JournalEntry"("userId");
CREATE INDEX "JournalEntry_createdAt_idx" ON "JournalEntry"("createdAt");
CREATE INDEX "JournalEntry_userId_createdAt_idx" ON "JournalEntry"("userId", "createdAt");

CREATE TABLE "ConversationParticipant" (
    "id" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "joinedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "lastReadAt" TEXT,
    "role" TEXT NOT NULL DEFAULT 'MEMBER' CHECK ("role" IN ('MEMBER', 'MODERATOR', 'ADMIN')),
    "isActive" INTEGER NOT NULL DEFAULT 1 CHECK ("isActive" IN (0, 1)),
    "isMuted" INTEGER NOT NULL DEFAULT 0 CHECK ("isMuted" IN (0, 1)),
    CONSTRAINT "ConversationParticipant_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ConversationParticipant_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ConversationParticipant_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "ConversationParticipant_conversationId_userId_key" ON "ConversationParticipant"("conversationId", "userId");
CREATE INDEX "ConversationParticipant_userId_idx" ON "ConversationParticipant"("userId");
CREATE INDEX "ConversationParticipant_conversationId_idx" ON "ConversationParticipant"("conversationId");
CREATE INDEX "ConversationParticipant_isActive_idx" ON "ConversationParticipant"("isActive");

CREATE TABLE "Message" (
    "id" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "senderId" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "messageType" TEXT NOT NULL DEFAULT 'TEXT' CHECK ("messageType" IN ('TEXT', 'IMAGE', 'AUDIO', 'VIDEO', 'SYSTEM')),
    "attachmentUrls" TEXT DEFAULT '[]',
    "attachmentNames" TEXT DEFAULT '[]',
    "attachmentSizes" TEXT DEFAULT '[]',
    "replyToId" TEXT,
    "isEdited" INTEGER NOT NULL DEFAULT 0 CHECK ("isEdited" IN (0, 1)),
    "isDeleted" INTEGER NOT NULL DEFAULT 0 CHECK ("isDeleted" IN (0, 1)),
    "editedAt" TEXT,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "Message_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Message_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Message_replyToId_fkey" FOREIGN KEY ("replyToId") REFERENCES "Message"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Message_senderId_fkey" FOREIGN KEY ("senderId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "Message_conversationId_createdAt_isDeleted_idx" ON "Message"("conversationId", "createdAt", "isDeleted");
CREATE INDEX "Message_senderId_idx" ON "Message"("senderId");
CREATE INDEX "Message_messageType_idx" ON "Message"("messageType");
CREATE INDEX "Message_isDeleted_idx" ON "Message"("isDeleted");
CREATE INDEX "Message_senderId_createdAt_idx" ON "Message"("senderId", "createdAt");
CREATE INDEX "Message_conversationId_senderId_createdAt_idx" ON "Message"("conversationId", "senderId", "createdAt");
CREATE INDEX "Message_replyToId_idx" ON "Message"("replyToId");
CREATE INDEX "Message_conversationId_messageType_idx" ON "Message"("conversationId", "messageType");

CREATE TABLE "MessageReadReceipt" (
    "id" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "readAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    CONSTRAINT "MessageReadReceipt_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "MessageReadReceipt_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "MessageReadReceipt_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "MessageReadReceipt_messageId_userId_key" ON "MessageReadReceipt"("messageId", "userId");
CREATE INDEX "MessageReadReceipt_messageId_idx" ON "MessageReadReceipt"("messageId");
CREATE INDEX "MessageReadReceipt_userId_idx" ON "MessageReadReceipt"("userId");

CREATE TABLE "MessageReaction" (
    "id" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "emoji" TEXT NOT NULL,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    CONSTRAINT "MessageReaction_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "MessageReaction_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "MessageReaction_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "MessageReaction_messageId_userId_emoji_key" ON "MessageReaction"("messageId", "userId", "emoji");
CREATE INDEX "MessageReaction_messageId_idx" ON "MessageReaction"("messageId");
CREATE INDEX "MessageReaction_userId_idx" ON "MessageReaction"("userId");

CREATE TABLE "UserBlock" (
    "id" TEXT NOT NULL,
    "blockerId" TEXT NOT NULL,
    "blockedId" TEXT NOT NULL,
    "reason" TEXT,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    CONSTRAINT "UserBlock_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "UserBlock_blockedId_fkey" FOREIGN KEY ("blockedId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "UserBlock_blockerId_fkey" FOREIGN KEY ("blockerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "UserBlock_blockerId_blockedId_key" ON "UserBlock"("blockerId", "blockedId");
CREATE INDEX "UserBlock_blockerId_idx" ON "UserBlock"("blockerId");
CREATE INDEX "UserBlock_blockedId_idx" ON "UserBlock"("blockedId");

CREATE TABLE "Notification" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "type" TEXT NOT NULL CHECK ("type" IN ('APPOINTMENT_REMINDER', 'APPOINTMENT_CONFIRMED', 'APPOINTMENT_CANCELLED', 'APPOINTMENT_RESCHEDULED', 'MESSAGE_RECEIVED', 'MESSAGE_REACTION', 'WORKSHEET_ASSIGNED', 'WORKSHEET_DUE', 'WORKSHEET_FEEDBACK', 'REVIEW_REQUEST', 'REVIEW_RECEIVED', 'THERAPIST_APPLICATION', 'THERAPIST_APPROVED', 'THERAPIST_REJECTED', 'THERAPIST_STATUS_UPDATED', 'THERAPIST_REQUEST_ACCEPTED', 'THERAPIST_REQUEST_DECLINED', 'ALTERNATIVE_RECOMMENDATIONS', 'CLIENT_REQUEST_RECEIVED', 'CLIENT_REQUEST_CANCELLED', 'PROFILE_COMPLETION', 'COMMUNITY_POST', 'COMMUNITY_REPLY', 'COMMUNITY_RECOMMENDATION', 'COMMUNITY_JOINED', 'COMMUNITY_WELCOME', 'RECOMMENDATIONS_UPDATED', 'NEW_RECOMMENDATIONS', 'RELATIONSHIP_ESTABLISHED', 'REQUEST_REMINDER', 'SYSTEM_MAINTENANCE', 'SYSTEM_UPDATE', 'SECURITY_ALERT', 'SCHEDULING_INFO', 'PAYMENT_SUCCESS', 'PAYMENT_FAILED', 'SUBSCRIPTION_EXPIRING', 'INCOMING_VIDEO_CALL', 'VIDEO_CALL_MISSED', 'VIDEO_CALL_ENDED')),
    "priority" TEXT NOT NULL DEFAULT 'NORMAL' CHECK ("priority" IN ('LOW', 'NORMAL', 'HIGH', 'URGENT')),
    "data" TEXT,
    "actionUrl" TEXT,
    "isRead" INTEGER NOT NULL DEFAULT 0 CHECK ("isRead" IN (0, 1)),
    "readAt" TEXT,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Notification_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "Notification_userId_idx" ON "Notification"("userId");
CREATE INDEX "Notification_isRead_idx" ON "Notification"("isRead");
CREATE INDEX "Notification_type_idx" ON "Notification"("type");
CREATE INDEX "Notification_priority_idx" ON "Notification"("priority");
CREATE INDEX "Notification_createdAt_idx" ON "Notification"("createdAt");
CREATE INDEX "Notification_userId_isRead_createdAt_idx" ON "Notification"("userId", "isRead", "createdAt" DESC);
CREATE INDEX "Notification_userId_type_createdAt_idx" ON "Notification"("userId", "type", "createdAt" DESC);

CREATE TABLE "PaymentMethod" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "type" TEXT NOT NULL DEFAULT 'CARD' CHECK ("type" IN ('CARD', 'BANK_ACCOUNT', 'DIGITAL_WALLET', 'GCASH', 'MAYA', 'INSURANCE')),
    "nickname" TEXT,
    "isDefault" INTEGER NOT NULL DEFAULT 0 CHECK ("isDefault" IN (0, 1)),
    "isActive" INTEGER NOT NULL DEFAULT 1 CHECK ("isActive" IN (0, 1)),
    "lastUsed" TEXT,
    "cardLast4" TEXT,
    "cardBrand" TEXT,
    "cardholderName" TEXT,
    "cardNumber" TEXT,
    "expiryMonth" INTEGER,
    "expiryYear" INTEGER,
    "cardType" TEXT,
    "bankName" TEXT,
    "accountHolderName" TEXT,
    "accountType" TEXT,
    "routingNumber" TEXT,
    "accountLast4" TEXT,
    "walletProvider" TEXT,
    "walletEmail" TEXT,
    "walletAccountName" TEXT,
    "gcashNumber" TEXT,
    "gcashName" TEXT,
    "isVerified" INTEGER CHECK ("isVerified" IN (0, 1)),
    "gcashEmail" TEXT,
    "mayaNumber" TEXT,
    "mayaName" TEXT,
    "mayaVerified" INTEGER CHECK ("mayaVerified" IN (0, 1)),
    "mayaEmail" TEXT,
    "insuranceProviderName" TEXT,
    "policyNumber" TEXT,
    "memberId" TEXT,
    "groupNumber" TEXT,
    "insuranceVerified" INTEGER DEFAULT 0 CHECK ("insuranceVerified" IN (0, 1)),
    "coverageDetails" TEXT,
    "billingAddress" TEXT,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "PaymentMethod_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "PaymentMethod_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "PaymentMethod_userId_idx" ON "PaymentMethod"("userId");
CREATE INDEX "PaymentMethod_isDefault_idx" ON "PaymentMethod"("isDefault");
CREATE INDEX "PaymentMethod_type_idx" ON "PaymentMethod"("type");

CREATE TABLE "Client" (
    "userId" TEXT NOT NULL,
    "hasSeenTherapistRecommendations" INTEGER NOT NULL DEFAULT 0 CHECK ("hasSeenTherapistRecommendations" IN (0, 1)),
    "birthdate" TEXT,
    "city" TEXT,
    "country" TEXT,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    CONSTRAINT "Client_pkey" PRIMARY KEY ("userId"),
    CONSTRAINT "Client_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "Client_userId_key" ON "Client"("userId");
CREATE INDEX "Client_userId_idx" ON "Client"("userId");

CREATE TABLE "ChatbotSession" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "userId" TEXT,
    "clientId" TEXT,
    "startedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "completedAt" TEXT,
    "isComplete" INTEGER NOT NULL DEFAULT 0 CHECK ("isComplete" IN (0, 1)),
    "currentQuestionnaire" TEXT,
    "completedQuestionnaires" TEXT DEFAULT '[]',
    "presentedQuestionnaires" TEXT DEFAULT '[]',
    "collectedAnswers" TEXT NOT NULL,
    "structuredAnswers" TEXT,
    "conversationInsights" TEXT,
    "completionReason" TEXT,
    "completionConfidence" REAL,
    "lastActivity" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "ChatbotSession_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ChatbotSession_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("userId") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "ChatbotSession_sessionId_key" ON "ChatbotSession"("sessionId");
CREATE INDEX "ChatbotSession_userId_idx" ON "ChatbotSession"("userId");
CREATE INDEX "ChatbotSession_clientId_idx" ON "ChatbotSession"("clientId");
CREATE INDEX "ChatbotSession_sessionId_idx" ON "ChatbotSession"("sessionId");
CREATE INDEX "ChatbotSession_isComplete_idx" ON "ChatbotSession"("isComplete");
CREATE INDEX "ChatbotSession_lastActivity_idx" ON "ChatbotSession"("lastActivity");
CREATE INDEX "ChatbotSession_clientId_isComplete_idx" ON "ChatbotSession"("clientId", "isComplete");
CREATE INDEX "ChatbotSession_userId_isComplete_idx" ON "ChatbotSession"("userId", "isComplete");

CREATE TABLE "ChatbotMessage" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "role" TEXT NOT NULL CHECK ("role" IN ('SYSTEM', 'USER', 'ASSISTANT')),
    "content" TEXT NOT NULL,
    "questionnaireContext" TEXT,
    "extractedAnswer" INTEGER,
    "timestamp" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    CONSTRAINT "ChatbotMessage_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ChatbotMessage_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "ChatbotSession"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "ChatbotMessage_sessionId_idx" ON "ChatbotMessage"("sessionId");
CREATE INDEX "ChatbotMessage_sessionId_timestamp_idx" ON "ChatbotMessage"("sessionId", "timestamp");
CREATE INDEX "ChatbotMessage_role_idx" ON "ChatbotMessage"("role");
CREATE INDEX "ChatbotMessage_timestamp_idx" ON "ChatbotMessage"("timestamp");

CREATE TABLE "ClientEngagement" (
    "id" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "loginFrequency" INTEGER NOT NULL DEFAULT 0,
    "platformUsageScore" REAL NOT NULL DEFAULT 0.0,
    "journalEntryCount" INTEGER NOT NULL DEFAULT 0,
    "worksheetCompletionRate" REAL NOT NULL DEFAULT 0.0,
    "meetingAttendanceRate" REAL NOT NULL DEFAULT 0.0,
    "averageSessionRating" REAL,
    "engagementTrend" TEXT NOT NULL DEFAULT 'stable',
    "lastCalculatedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "ClientEngagement_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ClientEngagement_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("userId") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "ClientEngagement_clientId_key" ON "ClientEngagement"("clientId");
CREATE INDEX "ClientEngagement_clientId_idx" ON "ClientEngagement"("clientId");
CREATE INDEX "ClientEngagement_engagementTrend_idx" ON "ClientEngagement"("engagementTrend");
CREATE INDEX "ClientEngagement_platformUsageScore_idx" ON "ClientEngagement"("platformUsageScore");

CREATE TABLE "ClientPreferences" (
    "id" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "genderPreference" TEXT,
    "agePreference" TEXT,
    "languagePreferences" TEXT DEFAULT '[]',
    "treatmentApproaches" TEXT DEFAULT '[]',
    "sessionFormat" TEXT,
    "sessionFrequency" TEXT,
    "budgetRange" TEXT,
    "locationPreference" TEXT,
    "availabilityPreference" TEXT DEFAULT '[]',
    "specialConsiderations" TEXT,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "ClientPreferences_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ClientPreferences_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("userId") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "ClientPreferences_clientId_key" ON "ClientPreferences"("clientId");
CREATE INDEX "ClientPreferences_clientId_idx" ON "ClientPreferences"("clientId");

CREATE TABLE "PreAssessment" (
    "id" TEXT NOT NULL,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "answers" TEXT NOT NULL,
    "scores" TEXT NOT NULL,
    "severityLevels" TEXT NOT NULL,
    "aiEstimate" TEXT NOT NULL,
    "isProcessed" INTEGER NOT NULL DEFAULT 0 CHECK ("isProcessed" IN (0, 1)),
    "processedAt" TEXT,
    "assessmentMethod" TEXT NOT NULL DEFAULT 'CHECKLIST' CHECK ("assessmentMethod" IN ('CHECKLIST', 'CHATBOT', 'HYBRID')),
    "chatbotSessionId" TEXT,
    "conversationInsights" TEXT,
    "pastTherapyExperiences" TEXT,
    "medicationHistory" TEXT,
    "accessibilityNeeds" TEXT,
    "culturalConsiderations" TEXT,
    "familySupportSystem" TEXT,
    "crisisSupportNeeds" TEXT,
    CONSTRAINT "PreAssessment_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "PreAssessment_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("userId") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PreAssessment_chatbotSessionId_fkey" FOREIGN KEY ("chatbotSessionId") REFERENCES "ChatbotSession"("id") ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "PreAssessment_chatbotSessionId_key" ON "PreAssessment"("chatbotSessionId");
CREATE INDEX "PreAssessment_clientId_idx" ON "PreAssessment"("clientId");
CREATE INDEX "PreAssessment_chatbotSessionId_idx" ON "PreAssessment"("chatbotSessionId");
CREATE INDEX "PreAssessment_assessmentMethod_idx" ON "PreAssessment"("assessmentMethod");

CREATE TABLE "Moderator" (
    "userId" TEXT NOT NULL,
    "permissions" TEXT,
    "assignedCommunities" TEXT,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "Moderator_pkey" PRIMARY KEY ("userId"),
    CONSTRAINT "Moderator_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "Moderator_userId_key" ON "Moderator"("userId");
CREATE INDEX "Moderator_userId_idx" ON "Moderator"("userId");

CREATE TABLE "ModeratorCommunity" (
    "id" TEXT NOT NULL,
    "moderatorId" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "assignedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    CONSTRAINT "ModeratorCommunity_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ModeratorCommunity_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ModeratorCommunity_moderatorId_fkey" FOREIGN KEY ("moderatorId") REFERENCES "Moderator"("userId") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "ModeratorCommunity_moderatorId_communityId_key" ON "ModeratorCommunity"("moderatorId", "communityId");
CREATE INDEX "ModeratorCommunity_moderatorId_idx" ON "ModeratorCommunity"("moderatorId");
CREATE INDEX "ModeratorCommunity_communityId_idx" ON "ModeratorCommunity"("communityId");

CREATE TABLE "Admin" (
    "userId" TEXT NOT NULL,
    "permissions" TEXT,
    "adminLevel" TEXT NOT NULL DEFAULT 'admin',
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "Admin_pkey" PRIMARY KEY ("userId"),
    CONSTRAINT "Admin_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "Admin_userId_key" ON "Admin"("userId");
CREATE INDEX "Admin_userId_idx" ON "Admin"("userId");

CREATE TABLE "Therapist" (
    "userId" TEXT NOT NULL,
    "mobile" TEXT NOT NULL,
    "province" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "status" TEXT NOT NULL DEFAULT 'PENDING' CHECK ("status" IN ('PENDING', 'APPROVED', 'REJECTED')),
    "submissionDate" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "processingDate" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "processedByAdminId" TEXT,
    "providerType" TEXT NOT NULL,
    "professionalLicenseType" TEXT NOT NULL,
    "isPRCLicensed" TEXT NOT NULL,
    "prcLicenseNumber" TEXT NOT NULL,
    "expirationDateOfLicense" TEXT NOT NULL,
    "practiceStartDate" TEXT NOT NULL,
    "licenseVerified" INTEGER NOT NULL DEFAULT 0 CHECK ("licenseVerified" IN (0, 1)),
    "licenseVerifiedAt" TEXT,
    "licenseVerifiedBy" TEXT,
    "certifications" TEXT,
    "certificateUrls" TEXT DEFAULT '[]',
    "certificateNames" TEXT DEFAULT '[]',
    "licenseUrls" TEXT DEFAULT '[]',
    "licenseNames" TEXT DEFAULT '[]',
    "documentUrls" TEXT DEFAULT '[]',
    "documentNames" TEXT DEFAULT '[]',
    "yearsOfExperience" INTEGER,
    "educationBackground" TEXT,
    "specialCertifications" TEXT,
    "practiceLocation" TEXT,
    "acceptsInsurance" INTEGER NOT NULL DEFAULT 0 CHECK ("acceptsInsurance" IN (0, 1)),
    "acceptedInsuranceTypes" TEXT,
    "areasOfExpertise" TEXT,
    "assessmentTools" TEXT,
    "therapeuticApproachesUsedList" TEXT,
    "languagesOffered" TEXT,
    "providedOnlineTherapyBefore" INTEGER NOT NULL CHECK ("providedOnlineTherapyBefore" IN (0, 1)),
    "comfortableUsingVideoConferencing" INTEGER NOT NULL CHECK ("comfortableUsingVideoConferencing" IN (0, 1)),
    "preferredSessionLength" TEXT,
    "privateConfidentialSpace" TEXT,
    "compliesWithDataPrivacyAct" INTEGER NOT NULL CHECK ("compliesWithDataPrivacyAct" IN (0, 1)),
    "professionalLiabilityInsurance" TEXT,
    "complaintsOrDisciplinaryActions" TEXT,
    "willingToAbideByPlatformGuidelines" INTEGER NOT NULL CHECK ("willingToAbideByPlatformGuidelines" IN (0, 1)),
    "expertise" TEXT,
    "approaches" TEXT,
    "languages" TEXT,
    "illnessSpecializations" TEXT,
    "acceptTypes" TEXT,
    "treatmentSuccessRates" TEXT NOT NULL,
    "sessionLength" TEXT NOT NULL,
    "hourlyRate" TEXT NOT NULL,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "Therapist_pkey" PRIMARY KEY ("userId"),
    CONSTRAINT "Therapist_processedByAdminId_fkey" FOREIGN KEY ("processedByAdminId") REFERENCES "Admin"("userId") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Therapist_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "Therapist_userId_key" ON "Therapist"("userId");
CREATE INDEX "Therapist_userId_idx" ON "Therapist"("userId");
CREATE INDEX "Therapist_status_idx" ON "Therapist"("status");
CREATE INDEX "Therapist_timezone_idx" ON "Therapist"("timezone");
CREATE INDEX "Therapist_status_createdAt_idx" ON "Therapist"("status", "createdAt");
CREATE INDEX "Therapist_status_hourlyRate_idx" ON "Therapist"("status", "hourlyRate");
CREATE INDEX "Therapist_province_idx" ON "Therapist"("province");
CREATE INDEX "Therapist_yearsOfExperience_idx" ON "Therapist"("yearsOfExperience");
CREATE INDEX "Therapist_hourlyRate_idx" ON "Therapist"("hourlyRate");
CREATE INDEX "Therapist_createdAt_idx" ON "Therapist"("createdAt");
CREATE INDEX "Therapist_province_status_idx" ON "Therapist"("province", "status");

CREATE TABLE "Meeting" (
    "id" TEXT NOT NULL,
    "title" TEXT,
    "description" TEXT,
    "startTime" TEXT NOT NULL,
    "endTime" TEXT,
    "duration" INTEGER NOT NULL DEFAULT 60,
    "status" TEXT NOT NULL DEFAULT 'SCHEDULED' CHECK ("status" IN ('SCHEDULED', 'WAITING', 'CONFIRMED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED', 'NO_SHOW')),
    "meetingType" TEXT NOT NULL DEFAULT 'video',
    "meetingUrl" TEXT,
    "clientId" TEXT NOT NULL,
    "therapistId" TEXT NOT NULL,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "Meeting_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Meeting_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("userId") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Meeting_therapistId_fkey" FOREIGN KEY ("therapistId") REFERENCES "Therapist"("userId") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "Meeting_clientId_idx" ON "Meeting"("clientId");
CREATE INDEX "Meeting_therapistId_idx" ON "Meeting"("therapistId");
CREATE INDEX "Meeting_startTime_idx" ON "Meeting"("startTime");
CREATE INDEX "Meeting_endTime_idx" ON "Meeting"("endTime");
CREATE INDEX "Meeting_status_idx" ON "Meeting"("status");
CREATE INDEX "Meeting_therapistId_startTime_status_idx" ON "Meeting"("therapistId", "startTime", "status");
CREATE INDEX "Meeting_therapistId_status_startTime_idx" ON "Meeting"("therapistId", "status", "startTime");
CREATE INDEX "Meeting_clientId_status_startTime_idx" ON "Meeting"("clientId", "status", "startTime");
CREATE INDEX "Meeting_therapistId_startTime_endTime_idx" ON "Meeting"("therapistId", "startTime", "endTime");
CREATE INDEX "Meeting_clientId_startTime_endTime_idx" ON "Meeting"("clientId", "startTime", "endTime");

CREATE TABLE "MeetingNotes" (
    "id" TEXT NOT NULL,
    "meetingId" TEXT NOT NULL,
    "notes" TEXT NOT NULL,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "MeetingNotes_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "MeetingNotes_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "MeetingNotes_id_key" ON "MeetingNotes"("id");
CREATE INDEX "MeetingNotes_meetingId_idx" ON "MeetingNotes"("meetingId");

CREATE TABLE "TherapistAvailability" (
    "id" TEXT NOT NULL,
    "therapistId" TEXT NOT NULL,
    "dayOfWeek" TEXT NOT NULL,
    "startTime" TEXT NOT NULL,
    "endTime" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "isAvailable" INTEGER NOT NULL DEFAULT 1 CHECK ("isAvailable" IN (0, 1)),
    "notes" TEXT,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "TherapistAvailability_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "TherapistAvailability_therapistId_fkey" FOREIGN KEY ("therapistId") REFERENCES "Therapist"("userId") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "TherapistAvailability_therapistId_dayOfWeek_startTime_endTi_key" ON "TherapistAvailability"("therapistId", "dayOfWeek", "startTime", "endTime");
CREATE INDEX "TherapistAvailability_therapistId_idx" ON "TherapistAvailability"("therapistId");
CREATE INDEX "TherapistAvailability_dayOfWeek_idx" ON "TherapistAvailability"("dayOfWeek");

CREATE TABLE "ClientTherapist" (
    "id" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "therapistId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "assignedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    CONSTRAINT "ClientTherapist_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ClientTherapist_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("userId") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ClientTherapist_therapistId_fkey" FOREIGN KEY ("therapistId") REFERENCES "Therapist"("userId") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "ClientTherapist_clientId_therapistId_key" ON "ClientTherapist"("clientId", "therapistId");
CREATE INDEX "ClientTherapist_clientId_idx" ON "ClientTherapist"("clientId");
CREATE INDEX "ClientTherapist_therapistId_idx" ON "ClientTherapist"("therapistId");
CREATE INDEX "ClientTherapist_clientId_status_idx" ON "ClientTherapist"("clientId", "status");
CREATE INDEX "ClientTherapist_therapistId_status_idx" ON "ClientTherapist"("therapistId", "status");
CREATE INDEX "ClientTherapist_status_idx" ON "ClientTherapist"("status");
CREATE INDEX "ClientTherapist_assignedAt_idx" ON "ClientTherapist"("assignedAt");

CREATE TABLE "GroupSessionTherapistInvitations" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "therapistId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING' CHECK ("status" IN ('PENDING', 'ACCEPTED', 'DECLINED')),
    "invitedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "respondedAt" TEXT,
    "message" TEXT,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "GroupSessionTherapistInvitations_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "GroupSessionTherapistInvitations_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "GroupTherapySessions"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "GroupSessionTherapistInvitations_therapistId_fkey" FOREIGN KEY ("therapistId") REFERENCES "Therapist"("userId") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "GroupSessionTherapistInvitations_sessionId_therapistId_key" ON "GroupSessionTherapistInvitations"("sessionId", "therapistId");
CREATE INDEX "GroupSessionTherapistInvitations_therapistId_status_idx" ON "GroupSessionTherapistInvitations"("therapistId", "status");

CREATE TABLE "Payment" (
    "id" TEXT NOT NULL,
    "amount" TEXT NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "status" TEXT NOT NULL DEFAULT 'PENDING' CHECK ("status" IN ('PENDING', 'COMPLETED', 'FAILED', 'REFUNDED')),
    "clientId" TEXT NOT NULL,
    "therapistId" TEXT NOT NULL,
    "meetingId" TEXT,
    "paymentMethodId" TEXT,
    "processedAt" TEXT,
    "failedAt" TEXT,
    "failureReason" TEXT,
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "Payment_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Payment_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("userId") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Payment_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Payment_paymentMethodId_fkey" FOREIGN KEY ("paymentMethodId") REFERENCES "PaymentMethod"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Payment_therapistId_fkey" FOREIGN KEY ("therapistId") REFERENCES "Therapist"("userId") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "Payment_clientId_idx" ON "Payment"("clientId");
CREATE INDEX "Payment_therapistId_idx" ON "Payment"("therapistId");
CREATE INDEX "Payment_status_idx" ON "Payment"("status");
CREATE INDEX "Payment_meetingId_idx" ON "Payment"("meetingId");
CREATE INDEX "Payment_status_createdAt_idx" ON "Payment"("status", "createdAt");
CREATE INDEX "Payment_therapistId_status_createdAt_idx" ON "Payment"("therapistId", "status", "createdAt");
CREATE INDEX "Payment_createdAt_idx" ON "Payment"("createdAt");

CREATE TABLE "Review" (
    "id" TEXT NOT NULL,
    "rating" INTEGER NOT NULL,
    "title" TEXT,
    "content" TEXT,
    "isAnonymous" INTEGER NOT NULL DEFAULT 0 CHECK ("isAnonymous" IN (0, 1)),
    "clientId" TEXT NOT NULL,
    "therapistId" TEXT NOT NULL,
    "meetingId" TEXT,
    "isVerified" INTEGER NOT NULL DEFAULT 0 CHECK ("isVerified" IN (0, 1)),
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "Review_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Review_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("userId") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Review_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Review_therapistId_fkey" FOREIGN KEY ("therapistId") REFERENCES "Therapist"("userId") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "Review_clientId_therapistId_meetingId_key" ON "Review"("clientId", "therapistId", "meetingId");
CREATE INDEX "Review_therapistId_idx" ON "Review"("therapistId");
CREATE INDEX "Review_clientId_idx" ON "Review"("clientId");
CREATE INDEX "Review_rating_idx" ON "Review"("rating");
CREATE INDEX "Review_createdAt_idx" ON "Review"("createdAt");
CREATE INDEX "Review_therapistId_rating_idx" ON "Review"("therapistId", "rating");
CREATE INDEX "Review_therapistId_createdAt_idx" ON "Review"("therapistId", "createdAt");

CREATE TABLE "TherapistPerformance" (
    "id" TEXT NOT NULL,
    "therapistId" TEXT NOT NULL,
    "averageResponseTime" INTEGER,
    "clientRetentionRate" REAL NOT NULL DEFAULT 0.0,
    "noShowRate" REAL NOT NULL DEFAULT 0.0,
    "cancellationRate" REAL NOT NULL DEFAULT 0.0,
    "averageSessionDuration" REAL NOT NULL DEFAULT 0.0,
    "clientProgressRate" REAL NOT NULL DEFAULT 0.0,
    "workloadCapacity" REAL NOT NULL DEFAULT 0.0,
    "availabilityUtilization" REAL NOT NULL DEFAULT 0.0,
    "lastCalculatedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "TherapistPerformance_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "TherapistPerformance_therapistId_fkey" FOREIGN KEY ("therapistId") REFERENCES "Therapist"("userId") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "TherapistPerformance_therapistId_key" ON "TherapistPerformance"("therapistId");
CREATE INDEX "TherapistPerformance_therapistId_idx" ON "TherapistPerformance"("therapistId");
CREATE INDEX "TherapistPerformance_clientRetentionRate_idx" ON "TherapistPerformance"("clientRetentionRate");
CREATE INDEX "TherapistPerformance_workloadCapacity_idx" ON "TherapistPerformance"("workloadCapacity");
CREATE INDEX "TherapistPerformance_availabilityUtilization_idx" ON "TherapistPerformance"("availabilityUtilization");

CREATE TABLE "Worksheet" (
    "id" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "therapistId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "instructions" TEXT NOT NULL,
    "dueDate" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'ASSIGNED' CHECK ("status" IN ('ASSIGNED', 'SUBMITTED', 'REVIEWED', 'OVERDUE')),
    "materialUrls" TEXT DEFAULT '[]',
    "materialNames" TEXT DEFAULT '[]',
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updatedAt" TEXT NOT NULL,
    CONSTRAINT "Worksheet_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Worksheet_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("userId") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Worksheet_therapistId_fkey" FOREIGN KEY ("therapistId") REFERENCES "Therapist"("userId") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "Worksheet_clientId_idx" ON "Worksheet"("clientId");
CREATE INDEX "Worksheet_therapistId_idx" ON "Worksheet"("therapistId");
CREATE INDEX "Worksheet_status_idx" ON "Worksheet"("status");
CREATE INDEX "Worksheet_dueDate_idx" ON "Worksheet"("dueDate");
CREATE INDEX "Worksheet_status_dueDate_idx" ON "Worksheet"("status", "dueDate");
CREATE INDEX "Worksheet_clientId_status_idx" ON "Worksheet"("clientId", "status");
CREATE INDEX "Worksheet_therapistId_status_idx" ON "Worksheet"("therapistId", "status");

CREATE TABLE "WorksheetSubmission" (
    "id" TEXT NOT NULL,
    "worksheetId" TEXT NOT NULL,
    "fileUrls" TEXT,
    "fileNames" TEXT,
    "fileSizes" TEXT,
    "submittedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "feedback" TEXT,
    CONSTRAINT "WorksheetSubmission_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "WorksheetSubmission_worksheetId_fkey" FOREIGN KEY ("worksheetId") REFERENCES "Worksheet"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "WorksheetSubmission_worksheetId_key" ON "WorksheetSubmission"("worksheetId");
CREATE INDEX "WorksheetSubmission_worksheetId_idx" ON "WorksheetSubmission"("worksheetId");
CREATE INDEX "WorksheetSubmission_submittedAt_idx" ON "WorksheetSubmission"("submittedAt");
