/// What a staff member is qualified to do; a requirement names the role its sessions need.
public enum StaffRole: String, Vocabulary {
    case religiousExpert = "religious_expert"
    case psychologist
    case paediatricPsychologist = "paediatric_psychologist"
    case socialWorker = "social_worker"
    case teacher
    case vocationalTrainer = "vocational_trainer"
    case lawyer
}
