CREATE TYPE "MeetingStatus" AS ENUM ('SCHEDULED', 'WAITING', 'CONFIRMED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED', 'NO_SHOW');
CREATE TYPE "ChatbotMessageRole" AS ENUM ('SYSTEM', 'USER', 'ASSISTANT');
CREATE TYPE "ReportStatus" AS ENUM ('PENDING', 'REVIEWED', 'DISMISSED');
CREATE TYPE "SessionType" AS ENUM ('VIRTUAL', 'IN_PERSON');
CREATE TYPE "GroupSessionStatus" AS ENUM ('PENDING_APPROVAL', 'APPROVED', 'CANCELLED', 'IN_PROGRESS', 'COMPLETED');
CREATE TYPE "InvitationStatus" AS ENUM ('PENDING', 'ACCEPTED', 'DECLINED');
CREATE TYPE "AttendanceStatus" AS ENUM ('REGISTERED', 'ATTENDED', 'NO_SHOW', 'CANCELLED');
CREATE TYPE "ConversationType" AS ENUM ('DIRECT', 'GROUP', 'SESSION', 'SUPPORT');
CREATE TYPE "ParticipantRole" AS ENUM ('MEMBER', 'MODERATOR', 'ADMIN');
CREATE TYPE "MessageType" AS ENUM ('TEXT', 'IMAGE', 'AUDIO', 'VIDEO', 'SYSTEM');
CREATE TYPE "NotificationType" AS ENUM ('APPOINTMENT_REMINDER', 'APPOINTMENT_CONFIRMED', 'APPOINTMENT_CANCELLED', 'APPOINTMENT_RESCHEDULED', 'MESSAGE_RECEIVED', 'MESSAGE_REACTION', 'WORKSHEET_ASSIGNED', 'WORKSHEET_DUE', 'WORKSHEET_FEEDBACK', 'REVIEW_REQUEST', 'REVIEW_RECEIVED', 'THERAPIST_APPLICATION', 'THERAPIST_APPROVED', 'THERAPIST_REJECTED', 'THERAPIST_STATUS_UPDATED', 'THERAPIST_REQUEST_ACCEPTED', 'THERAPIST_REQUEST_DECLINED', 'ALTERNATIVE_RECOMMENDATIONS', 'CLIENT_REQUEST_RECEIVED', 'CLIENT_REQUEST_CANCELLED', 'PROFILE_COMPLETION', 'COMMUNITY_POST', 'COMMUNITY_REPLY', 'COMMUNITY_RECOMMENDATION', 'COMMUNITY_JOINED', 'COMMUNITY_WELCOME', 'RECOMMENDATIONS_UPDATED', 'NEW_RECOMMENDATIONS', 'RELATIONSHIP_ESTABLISHED', 'REQUEST_REMINDER', 'SYSTEM_MAINTENANCE', 'SYSTEM_UPDATE', 'SECURITY_ALERT', 'SCHEDULING_INFO', 'PAYMENT_SUCCESS', 'PAYMENT_FAILED', 'SUBSCRIPTION_EXPIRING', 'INCOMING_VIDEO_CALL', 'VIDEO_CALL_MISSED', 'VIDEO_CALL_ENDED');
CREATE TYPE "NotificationPriority" AS ENUM ('LOW', 'NORMAL', 'HIGH', 'URGENT');
CREATE TYPE "PaymentStatus" AS ENUM ('PENDING', 'COMPLETED', 'FAILED', 'REFUNDED');
CREATE TYPE "PaymentMethodType" AS ENUM ('CARD', 'BANK_ACCOUNT', 'DIGITAL_WALLET', 'GCASH', 'MAYA', 'INSURANCE');
CREATE TYPE "PreAssessmentMethod" AS ENUM ('CHECKLIST', 'CHATBOT', 'HYBRID');
CREATE TYPE "TherapistApplicationStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED');
CREATE TYPE "WorksheetStatus" AS ENUM ('ASSIGNED', 'SUBMITTED', 'REVIEWED', 'OVERDUE');

CREATE TABLE "Community" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "imageUrl" TEXT NOT NULL,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Community_name_key" ON "Community"("name");
CREATE UNIQUE INDEX "Community_slug_key" ON "Community"("slug");

CREATE TABLE "RoomGroup" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "order" INTEGER NOT NULL,
    "communityId" TEXT NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("communityId") REFERENCES "Community"("id")
);

CREATE TABLE "Room" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "order" INTEGER NOT NULL,
    "postingRole" TEXT NOT NULL DEFAULT 'member',
    "roomGroupId" TEXT NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("roomGroupId") REFERENCES "RoomGroup"("id")
);

CREATE TABLE "Conversation" (
    "id" TEXT NOT NULL,
    "type" "ConversationType" NOT NULL DEFAULT 'DIRECT',
    "title" TEXT,
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "lastMessageAt" TIMESTAMP,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id")
);

CREATE TABLE "TypingIndicator" (
    "id" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "isTyping" BOOLEAN NOT NULL DEFAULT true,
    "lastTypingAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "TypingIndicator_conversationId_userId_key" ON "TypingIndicator"("conversationId", "userId");

CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "firstName" TEXT NOT NULL,
    "middleName" TEXT,
    "lastName" TEXT NOT NULL,
    "birthDate" TIMESTAMP,
    "address" TEXT,
    "role" TEXT NOT NULL DEFAULT 'client',
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    "password" TEXT,
    "emailVerified" BOOLEAN NOT NULL DEFAULT false,
    "emailVerifyToken" TEXT,
    "emailVerifyTokenExp" TIMESTAMP,
    "resetToken" TEXT,
    "resetTokenExpiry" TIMESTAMP,
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "failedLoginCount" INTEGER NOT NULL DEFAULT 0,
    "avatarUrl" TEXT,
    "coverImageUrl" TEXT,
    "bio" TEXT,
    "suspendedAt" TIMESTAMP,
    "suspendedBy" TEXT,
    "suspensionReason" TEXT,
    "deactivatedAt" TIMESTAMP,
    "deactivatedBy" TEXT,
    "deactivationReason" TEXT,
    "lastLoginAt" TIMESTAMP,
    "lockoutUntil" TIMESTAMP,
    PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE UNIQUE INDEX "User_emailVerifyToken_key" ON "User"("emailVerifyToken");
CREATE UNIQUE INDEX "User_resetToken_key" ON "User"("resetToken");

CREATE TABLE "Membership" (
    "id" TEXT NOT NULL,
    "joinedAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "communityId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("communityId") REFERENCES "Community"("id"),
    FOREIGN KEY ("userId") REFERENCES "User"("id")
);
CREATE UNIQUE INDEX "Membership_userId_communityId_key" ON "Membership"("userId", "communityId");

CREATE TABLE "Post" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    "userId" TEXT NOT NULL,
    "roomId" TEXT,
    "attachmentUrls" TEXT[] DEFAULT [],
    "attachmentNames" TEXT[] DEFAULT [],
    "attachmentSizes" INTEGER[] DEFAULT [],
    PRIMARY KEY ("id"),
    FOREIGN KEY ("roomId") REFERENCES "Room"("id"),
    FOREIGN KEY ("userId") REFERENCES "User"("id")
);

CREATE TABLE "Comment" (
    "id" TEXT NOT NULL,
    "postId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "parentId" TEXT,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    "attachmentUrls" TEXT[] DEFAULT [],
    "attachmentNames" TEXT[] DEFAULT [],
    "attachmentSizes" INTEGER[] DEFAULT [],
    PRIMARY KEY ("id"),
    FOREIGN KEY ("postId") REFERENCES "Post"("id"),
    FOREIGN KEY ("userId") REFERENCES "User"("id")
);

CREATE TABLE "CommentHeart" (
    "id" TEXT NOT NULL,
    "commentId" TEXT NOT NULL,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "userId" TEXT NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("commentId") REFERENCES "Comment"("id"),
    FOREIGN KEY ("userId") REFERENCES "User"("id")
);
CREATE UNIQUE INDEX "CommentHeart_commentId_userId_key" ON "CommentHeart"("commentId", "userId");

CREATE TABLE "PostHeart" (
    "id" TEXT NOT NULL,
    "postId" TEXT NOT NULL,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "userId" TEXT NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("postId") REFERENCES "Post"("id"),
    FOREIGN KEY ("userId") REFERENCES "User"("id")
);
CREATE UNIQUE INDEX "PostHeart_postId_userId_key" ON "PostHeart"("postId", "userId");

CREATE TABLE "Report" (
    "id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "content" TEXT,
    "status" "ReportStatus" NOT NULL DEFAULT 'PENDING',
    "postId" TEXT,
    "commentId" TEXT,
    "reportedUserId" TEXT,
    "reporterId" TEXT NOT NULL,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("commentId") REFERENCES "Comment"("id"),
    FOREIGN KEY ("postId") REFERENCES "Post"("id"),
    FOREIGN KEY ("reportedUserId") REFERENCES "User"("id"),
    FOREIGN KEY ("reporterId") REFERENCES "User"("id")
);

CREATE TABLE "GroupTherapySessions" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "communityId" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "sessionType" "SessionType" NOT NULL,
    "sessionFormat" TEXT,
    "scheduledAt" TIMESTAMP NOT NULL,
    "duration" INTEGER NOT NULL,
    "maxParticipants" INTEGER NOT NULL,
    "virtualLink" TEXT,
    "location" TEXT,
    "locationAddress" TEXT,
    "status" "GroupSessionStatus" NOT NULL DEFAULT 'PENDING_APPROVAL',
    "cancelledAt" TIMESTAMP,
    "cancellationReason" TEXT,
    "completedAt" TIMESTAMP,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("communityId") REFERENCES "Community"("id"),
    FOREIGN KEY ("createdById") REFERENCES "User"("id")
);

CREATE TABLE "GroupSessionParticipants" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "joinedAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attendanceStatus" "AttendanceStatus" NOT NULL DEFAULT 'REGISTERED',
    "leftAt" TIMESTAMP,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("sessionId") REFERENCES "GroupTherapySessions"("id"),
    FOREIGN KEY ("userId") REFERENCES "User"("id")
);
CREATE UNIQUE INDEX "GroupSessionParticipants_sessionId_userId_key" ON "GroupSessionParticipants"("sessionId", "userId");

CREATE TABLE "JournalEntry" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("userId") REFERENCES "User"("id")
);

CREATE TABLE "ConversationParticipant" (
    "id" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "joinedAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastReadAt" TIMESTAMP,
    "role" "ParticipantRole" NOT NULL DEFAULT 'MEMBER',
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "isMuted" BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id"),
    FOREIGN KEY ("userId") REFERENCES "User"("id")
);
CREATE UNIQUE INDEX "ConversationParticipant_conversationId_userId_key" ON "ConversationParticipant"("conversationId", "userId");

CREATE TABLE "Message" (
    "id" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "senderId" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "messageType" "MessageType" NOT NULL DEFAULT 'TEXT',
    "attachmentUrls" TEXT[] DEFAULT [],
    "attachmentNames" TEXT[] DEFAULT [],
    "attachmentSizes" INTEGER[] DEFAULT [],
    "replyToId" TEXT,
    "isEdited" BOOLEAN NOT NULL DEFAULT false,
    "isDeleted" BOOLEAN NOT NULL DEFAULT false,
    "editedAt" TIMESTAMP,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id"),
    FOREIGN KEY ("senderId") REFERENCES "User"("id")
);

CREATE TABLE "MessageReadReceipt" (
    "id" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "readAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("messageId") REFERENCES "Message"("id"),
    FOREIGN KEY ("userId") REFERENCES "User"("id")
);
CREATE UNIQUE INDEX "MessageReadReceipt_messageId_userId_key" ON "MessageReadReceipt"("messageId", "userId");

CREATE TABLE "MessageReaction" (
    "id" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "emoji" TEXT NOT NULL,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("messageId") REFERENCES "Message"("id"),
    FOREIGN KEY ("userId") REFERENCES "User"("id")
);
CREATE UNIQUE INDEX "MessageReaction_messageId_userId_emoji_key" ON "MessageReaction"("messageId", "userId", "emoji");

CREATE TABLE "UserBlock" (
    "id" TEXT NOT NULL,
    "blockerId" TEXT NOT NULL,
    "blockedId" TEXT NOT NULL,
    "reason" TEXT,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("blockedId") REFERENCES "User"("id"),
    FOREIGN KEY ("blockerId") REFERENCES "User"("id")
);
CREATE UNIQUE INDEX "UserBlock_blockerId_blockedId_key" ON "UserBlock"("blockerId", "blockedId");

CREATE TABLE "Notification" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "type" "NotificationType" NOT NULL,
    "priority" "NotificationPriority" NOT NULL DEFAULT 'NORMAL',
    "data" JSON,
    "actionUrl" TEXT,
    "isRead" BOOLEAN NOT NULL DEFAULT false,
    "readAt" TIMESTAMP,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("userId") REFERENCES "User"("id")
);

CREATE TABLE "PaymentMethod" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "type" "PaymentMethodType" NOT NULL DEFAULT 'CARD',
    "nickname" TEXT,
    "isDefault" BOOLEAN NOT NULL DEFAULT false,
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "lastUsed" TIMESTAMP,
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
    "isVerified" BOOLEAN,
    "gcashEmail" TEXT,
    "mayaNumber" TEXT,
    "mayaName" TEXT,
    "mayaVerified" BOOLEAN,
    "mayaEmail" TEXT,
    "insuranceProviderName" TEXT,
    "policyNumber" TEXT,
    "memberId" TEXT,
    "groupNumber" TEXT,
    "insuranceVerified" BOOLEAN DEFAULT false,
    "coverageDetails" JSON,
    "billingAddress" JSON,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("userId") REFERENCES "User"("id")
);

CREATE TABLE "Client" (
    "userId" TEXT NOT NULL,
    "hasSeenTherapistRecommendations" BOOLEAN NOT NULL DEFAULT false,
    "birthdate" TIMESTAMP,
    "city" TEXT,
    "country" TEXT,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("userId"),
    FOREIGN KEY ("userId") REFERENCES "User"("id")
);

CREATE TABLE "ChatbotSession" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "userId" TEXT,
    "clientId" TEXT,
    "startedAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP,
    "isComplete" BOOLEAN NOT NULL DEFAULT false,
    "currentQuestionnaire" TEXT,
    "completedQuestionnaires" TEXT[] DEFAULT [],
    "presentedQuestionnaires" TEXT[] DEFAULT [],
    "collectedAnswers" JSON NOT NULL,
    "structuredAnswers" JSON,
    "conversationInsights" JSON,
    "completionReason" TEXT,
    "completionConfidence" DOUBLE,
    "lastActivity" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("clientId") REFERENCES "Client"("userId")
);
CREATE UNIQUE INDEX "ChatbotSession_sessionId_key" ON "ChatbotSession"("sessionId");

CREATE TABLE "ChatbotMessage" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "role" "ChatbotMessageRole" NOT NULL,
    "content" TEXT NOT NULL,
    "questionnaireContext" TEXT,
    "extractedAnswer" INTEGER,
    "timestamp" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("sessionId") REFERENCES "ChatbotSession"("id")
);

CREATE TABLE "ClientEngagement" (
    "id" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "loginFrequency" INTEGER NOT NULL DEFAULT 0,
    "platformUsageScore" DOUBLE NOT NULL DEFAULT 0.0,
    "journalEntryCount" INTEGER NOT NULL DEFAULT 0,
    "worksheetCompletionRate" DOUBLE NOT NULL DEFAULT 0.0,
    "meetingAttendanceRate" DOUBLE NOT NULL DEFAULT 0.0,
    "averageSessionRating" DOUBLE,
    "engagementTrend" TEXT NOT NULL DEFAULT 'stable',
    "lastCalculatedAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("clientId") REFERENCES "Client"("userId")
);
CREATE UNIQUE INDEX "ClientEngagement_clientId_key" ON "ClientEngagement"("clientId");

CREATE TABLE "ClientPreferences" (
    "id" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "genderPreference" TEXT,
    "agePreference" TEXT,
    "languagePreferences" TEXT[] DEFAULT [],
    "treatmentApproaches" TEXT[] DEFAULT [],
    "sessionFormat" TEXT,
    "sessionFrequency" TEXT,
    "budgetRange" TEXT,
    "locationPreference" TEXT,
    "availabilityPreference" TEXT[] DEFAULT [],
    "specialConsiderations" TEXT,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("clientId") REFERENCES "Client"("userId")
);
CREATE UNIQUE INDEX "ClientPreferences_clientId_key" ON "ClientPreferences"("clientId");

CREATE TABLE "PreAssessment" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    "clientId" TEXT NOT NULL,
    "answers" JSON NOT NULL,
    "scores" JSON NOT NULL,
    "severityLevels" JSON NOT NULL,
    "aiEstimate" JSON NOT NULL,
    "isProcessed" BOOLEAN NOT NULL DEFAULT false,
    "processedAt" TIMESTAMP,
    "assessmentMethod" "PreAssessmentMethod" NOT NULL DEFAULT 'CHECKLIST',
    "chatbotSessionId" TEXT,
    "conversationInsights" JSON,
    "pastTherapyExperiences" JSON,
    "medicationHistory" JSON,
    "accessibilityNeeds" JSON,
    "culturalConsiderations" JSON,
    "familySupportSystem" JSON,
    "crisisSupportNeeds" JSON,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("clientId") REFERENCES "Client"("userId"),
    FOREIGN KEY ("chatbotSessionId") REFERENCES "ChatbotSession"("id")
);
CREATE UNIQUE INDEX "PreAssessment_chatbotSessionId_key" ON "PreAssessment"("chatbotSessionId");

CREATE TABLE "Moderator" (
    "userId" TEXT NOT NULL,
    "permissions" TEXT[],
    "assignedCommunities" JSON,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("userId"),
    FOREIGN KEY ("userId") REFERENCES "User"("id")
);

CREATE TABLE "ModeratorCommunity" (
    "id" TEXT NOT NULL,
    "moderatorId" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "assignedAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("communityId") REFERENCES "Community"("id"),
    FOREIGN KEY ("moderatorId") REFERENCES "Moderator"("userId")
);
CREATE UNIQUE INDEX "ModeratorCommunity_moderatorId_communityId_key" ON "ModeratorCommunity"("moderatorId", "communityId");

CREATE TABLE "Admin" (
    "userId" TEXT NOT NULL,
    "permissions" TEXT[],
    "adminLevel" TEXT NOT NULL DEFAULT 'admin',
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("userId"),
    FOREIGN KEY ("userId") REFERENCES "User"("id")
);

CREATE TABLE "Therapist" (
    "userId" TEXT NOT NULL,
    "mobile" TEXT NOT NULL,
    "province" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "status" "TherapistApplicationStatus" NOT NULL DEFAULT 'PENDING',
    "submissionDate" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processingDate" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedByAdminId" TEXT,
    "providerType" TEXT NOT NULL,
    "professionalLicenseType" TEXT NOT NULL,
    "isPRCLicensed" TEXT NOT NULL,
    "prcLicenseNumber" TEXT NOT NULL,
    "expirationDateOfLicense" TIMESTAMP NOT NULL,
    "practiceStartDate" TIMESTAMP NOT NULL,
    "licenseVerified" BOOLEAN NOT NULL DEFAULT false,
    "licenseVerifiedAt" TIMESTAMP,
    "licenseVerifiedBy" TEXT,
    "certifications" JSON,
    "certificateUrls" TEXT[] DEFAULT [],
    "certificateNames" TEXT[] DEFAULT [],
    "licenseUrls" TEXT[] DEFAULT [],
    "licenseNames" TEXT[] DEFAULT [],
    "documentUrls" TEXT[] DEFAULT [],
    "documentNames" TEXT[] DEFAULT [],
    "yearsOfExperience" INTEGER,
    "educationBackground" TEXT,
    "specialCertifications" TEXT[],
    "practiceLocation" TEXT,
    "acceptsInsurance" BOOLEAN NOT NULL DEFAULT false,
    "acceptedInsuranceTypes" TEXT[],
    "areasOfExpertise" TEXT[],
    "assessmentTools" TEXT[],
    "therapeuticApproachesUsedList" TEXT[],
    "languagesOffered" TEXT[],
    "providedOnlineTherapyBefore" BOOLEAN NOT NULL,
    "comfortableUsingVideoConferencing" BOOLEAN NOT NULL,
    "preferredSessionLength" INTEGER[],
    "privateConfidentialSpace" TEXT,
    "compliesWithDataPrivacyAct" BOOLEAN NOT NULL,
    "professionalLiabilityInsurance" TEXT,
    "complaintsOrDisciplinaryActions" TEXT,
    "willingToAbideByPlatformGuidelines" BOOLEAN NOT NULL,
    "expertise" TEXT[],
    "approaches" TEXT[],
    "languages" TEXT[],
    "illnessSpecializations" TEXT[],
    "acceptTypes" TEXT[],
    "treatmentSuccessRates" JSON NOT NULL,
    "sessionLength" TEXT NOT NULL,
    "hourlyRate" DECIMAL(10,2) NOT NULL,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("userId"),
    FOREIGN KEY ("processedByAdminId") REFERENCES "Admin"("userId"),
    FOREIGN KEY ("userId") REFERENCES "User"("id")
);

CREATE TABLE "Meeting" (
    "id" TEXT NOT NULL,
    "title" TEXT,
    "description" TEXT,
    "startTime" TIMESTAMP NOT NULL,
    "endTime" TIMESTAMP,
    "duration" INTEGER NOT NULL DEFAULT 60,
    "status" "MeetingStatus" NOT NULL DEFAULT 'SCHEDULED',
    "meetingType" TEXT NOT NULL DEFAULT 'video',
    "meetingUrl" TEXT,
    "clientId" TEXT NOT NULL,
    "therapistId" TEXT NOT NULL,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("clientId") REFERENCES "Client"("userId"),
    FOREIGN KEY ("therapistId") REFERENCES "Therapist"("userId")
);

CREATE TABLE "MeetingNotes" (
    "id" TEXT NOT NULL,
    "meetingId" TEXT NOT NULL,
    "notes" TEXT NOT NULL,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("meetingId") REFERENCES "Meeting"("id")
);

CREATE TABLE "TherapistAvailability" (
    "id" TEXT NOT NULL,
    "therapistId" TEXT NOT NULL,
    "dayOfWeek" TEXT NOT NULL,
    "startTime" TEXT NOT NULL,
    "endTime" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "isAvailable" BOOLEAN NOT NULL DEFAULT true,
    "notes" TEXT,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("therapistId") REFERENCES "Therapist"("userId")
);
CREATE UNIQUE INDEX "TherapistAvailability_therapistId_dayOfWeek_startTime_endTi_key" ON "TherapistAvailability"("therapistId", "dayOfWeek", "startTime", "endTime");

CREATE TABLE "ClientTherapist" (
    "id" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "therapistId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "assignedAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("clientId") REFERENCES "Client"("userId"),
    FOREIGN KEY ("therapistId") REFERENCES "Therapist"("userId")
);
CREATE UNIQUE INDEX "ClientTherapist_clientId_therapistId_key" ON "ClientTherapist"("clientId", "therapistId");

CREATE TABLE "GroupSessionTherapistInvitations" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "therapistId" TEXT NOT NULL,
    "status" "InvitationStatus" NOT NULL DEFAULT 'PENDING',
    "invitedAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "respondedAt" TIMESTAMP,
    "message" TEXT,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("sessionId") REFERENCES "GroupTherapySessions"("id"),
    FOREIGN KEY ("therapistId") REFERENCES "Therapist"("userId")
);
CREATE UNIQUE INDEX "GroupSessionTherapistInvitations_sessionId_therapistId_key" ON "GroupSessionTherapistInvitations"("sessionId", "therapistId");

CREATE TABLE "Payment" (
    "id" TEXT NOT NULL,
    "amount" DECIMAL(10,2) NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "status" "PaymentStatus" NOT NULL DEFAULT 'PENDING',
    "clientId" TEXT NOT NULL,
    "therapistId" TEXT NOT NULL,
    "meetingId" TEXT,
    "paymentMethodId" TEXT,
    "processedAt" TIMESTAMP,
    "failedAt" TIMESTAMP,
    "failureReason" TEXT,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("clientId") REFERENCES "Client"("userId"),
    FOREIGN KEY ("meetingId") REFERENCES "Meeting"("id"),
    FOREIGN KEY ("paymentMethodId") REFERENCES "PaymentMethod"("id"),
    FOREIGN KEY ("therapistId") REFERENCES "Therapist"("userId")
);

CREATE TABLE "Review" (
    "id" TEXT NOT NULL,
    "rating" INTEGER NOT NULL,
    "title" TEXT,
    "content" TEXT,
    "isAnonymous" BOOLEAN NOT NULL DEFAULT false,
    "clientId" TEXT NOT NULL,
    "therapistId" TEXT NOT NULL,
    "meetingId" TEXT,
    "isVerified" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("clientId") REFERENCES "Client"("userId"),
    FOREIGN KEY ("meetingId") REFERENCES "Meeting"("id"),
    FOREIGN KEY ("therapistId") REFERENCES "Therapist"("userId")
);
CREATE UNIQUE INDEX "Review_clientId_therapistId_meetingId_key" ON "Review"("clientId", "therapistId", "meetingId");

CREATE TABLE "TherapistPerformance" (
    "id" TEXT NOT NULL,
    "therapistId" TEXT NOT NULL,
    "averageResponseTime" INTEGER,
    "clientRetentionRate" DOUBLE NOT NULL DEFAULT 0.0,
    "noShowRate" DOUBLE NOT NULL DEFAULT 0.0,
    "cancellationRate" DOUBLE NOT NULL DEFAULT 0.0,
    "averageSessionDuration" DOUBLE NOT NULL DEFAULT 0.0,
    "clientProgressRate" DOUBLE NOT NULL DEFAULT 0.0,
    "workloadCapacity" DOUBLE NOT NULL DEFAULT 0.0,
    "availabilityUtilization" DOUBLE NOT NULL DEFAULT 0.0,
    "lastCalculatedAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("therapistId") REFERENCES "Therapist"("userId")
);
CREATE UNIQUE INDEX "TherapistPerformance_therapistId_key" ON "TherapistPerformance"("therapistId");

CREATE TABLE "Worksheet" (
    "id" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "therapistId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "instructions" TEXT NOT NULL,
    "dueDate" TIMESTAMP NOT NULL,
    "status" "WorksheetStatus" NOT NULL DEFAULT 'ASSIGNED',
    "materialUrls" TEXT[] DEFAULT [],
    "materialNames" TEXT[] DEFAULT [],
    "createdAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("clientId") REFERENCES "Client"("userId"),
    FOREIGN KEY ("therapistId") REFERENCES "Therapist"("userId")
);

CREATE TABLE "WorksheetSubmission" (
    "id" TEXT NOT NULL,
    "worksheetId" TEXT NOT NULL,
    "fileUrls" TEXT[],
    "fileNames" TEXT[],
    "fileSizes" INTEGER[],
    "submittedAt" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "feedback" TEXT,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("worksheetId") REFERENCES "Worksheet"("id")
);
CREATE UNIQUE INDEX "WorksheetSubmission_worksheetId_key" ON "WorksheetSubmission"("worksheetId");
