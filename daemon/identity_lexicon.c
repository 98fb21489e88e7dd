/*
 * identity_lexicon.c - PURE: the data of the identity check (identity.c):
 * concepts and the phrases that name them, institution words, and stop
 * words.  To extend it, add a row or a phrase (and see N_CONCEPTS).
 */
#include "identity_lexicon.h"

#include <stddef.h>

const struct concept identity_lexicon[] = {
	/* nervous system */
	{"parkinson", K_COND, NULL, "parkinson|parkinson disease|parkinsonism|"
	    "PD|MDS-UPDRS|UPDRS|idiopathic parkinson"},
	{"alzheimer", K_COND, "dementia", "alzheimer|alzheimer disease|AD|"
	    "amyloid|amyloid beta|tauopathy"},
	{"dementia", K_COND, NULL, "dementia|cognitive impairment|MCI|"
	    "cognitive decline|neurocognitive disorder|neurodegeneration|"
	    "neurodegenerative"},
	{"als", K_COND, NULL, "ALS|amyotrophic lateral sclerosis|"
	    "motor neuron disease|motor neurone disease"},
	{"multiple sclerosis", K_COND, NULL, "multiple sclerosis|MS|RRMS|"
	    "SPMS|PPMS|demyelinating"},
	{"huntington", K_COND, NULL, "huntington|huntington disease|chorea"},
	{"stroke", K_COND, NULL, "stroke|ischemic stroke|ischaemic stroke|"
	    "cerebral infarction|cerebrovascular|intracerebral hemorrhage"},
	{"epilepsy", K_COND, NULL, "epilepsy|epileptic|seizure|dravet|"
	    "lennox gastaut"},
	{"brain injury", K_COND, NULL, "traumatic brain injury|TBI|"
	    "brain injury|concussion"},
	{"spinal cord injury", K_COND, NULL, "spinal cord injury|SCI"},
	{"autism", K_COND, NULL, "autism|autistic|autism spectrum"},
	{"migraine", K_COND, NULL, "migraine|cluster headache|headache"},
	{"pain", K_COND, NULL, "chronic pain|neuropathic pain|back pain|"
	    "fibromyalgia|neuropathy"},
	/* mind */
	{"schizophrenia", K_COND, "psychosis", "schizophrenia|schizophrenic|"
	    "schizoaffective"},
	{"psychosis", K_COND, NULL, "psychosis|psychotic|psychotic disorder"},
	{"depression", K_COND, NULL, "depression|depressive|depressed|MDD|"
	    "TRD|major depressive disorder|treatment resistant depression|"
	    "dysthymia|postpartum depression"},
	{"bipolar", K_COND, NULL, "bipolar|bipolar disorder|mania|manic"},
	{"anxiety", K_COND, NULL, "anxiety|anxiety disorder|GAD|panic disorder|"
	    "PTSD|post traumatic stress|posttraumatic stress|OCD|"
	    "obsessive compulsive"},
	{"addiction", K_COND, NULL, "addiction|substance use disorder|SUD|"
	    "alcohol use disorder|AUD|alcohol dependence|alcoholism|"
	    "opioid use disorder|OUD|smoking cessation|nicotine dependence|"
	    "tobacco use disorder|cocaine use disorder"},
	{"adhd", K_COND, NULL, "ADHD|attention deficit"},
	{"sleep", K_COND, NULL, "insomnia|sleep disorder|sleep apnea|"
	    "sleep apnoea|OSA"},
	{"eating disorder", K_COND, NULL, "anorexia nervosa|bulimia|"
	    "binge eating|eating disorder"},
	/* ageing, bone, muscle */
	{"frailty", K_COND, NULL, "frailty|frail|aging frailty|sarcopenia|"
	    "muscle wasting"},
	{"osteoporosis", K_COND, NULL, "osteoporosis|osteopenia|bone loss|"
	    "bone mineral density|BMD"},
	/* heart, vessels, metabolism */
	{"cardiovascular", K_COND, NULL, "cardiovascular|"
	    "cardiovascular disease|CVD|heart disease"},
	{"heart failure", K_COND, "cardiovascular", "heart failure|"
	    "cardiac failure|HFrEF|HFpEF|cardiomyopathy|"
	    "ischemic cardiomyopathy|left ventricular dysfunction"},
	{"coronary", K_COND, "cardiovascular", "coronary artery disease|"
	    "coronary heart disease|CAD|myocardial infarction|MI|"
	    "heart attack|angina|acute coronary syndrome|ACS|atherosclerosis"},
	{"atrial fibrillation", K_COND, "cardiovascular", "atrial fibrillation|"
	    "AFib|arrhythmia"},
	{"hypertension", K_COND, "cardiovascular", "hypertension|hypertensive|"
	    "high blood pressure"},
	{"dyslipidemia", K_COND, "cardiovascular", "dyslipidemia|"
	    "hypercholesterolemia|hyperlipidemia|high cholesterol"},
	{"diabetes", K_COND, NULL, "diabetes|diabetic|T1D|T2D|T1DM|T2DM|"
	    "type 1 diabetes|type 2 diabetes|prediabetes|insulin resistance|"
	    "HbA1c"},
	{"obesity", K_COND, NULL, "obesity|obese|overweight|adiposity"},
	{"kidney", K_COND, NULL, "chronic kidney disease|CKD|kidney disease|"
	    "renal failure|renal insufficiency|nephropathy|kidney failure|"
	    "dialysis|ESRD"},
	{"liver", K_COND, NULL, "cirrhosis|NASH|NAFLD|MASH|MASLD|fatty liver|"
	    "steatohepatitis|liver fibrosis|liver disease|hepatic fibrosis"},
	{"hepatitis", K_COND, NULL, "hepatitis|HBV|HCV"},
	/* lungs, infection */
	{"copd", K_COND, NULL, "COPD|chronic obstructive pulmonary disease|"
	    "emphysema|chronic bronchitis"},
	{"lung fibrosis", K_COND, NULL, "pulmonary fibrosis|IPF|"
	    "idiopathic pulmonary fibrosis|interstitial lung disease|ILD"},
	{"ards", K_COND, NULL, "ARDS|acute respiratory distress|"
	    "acute lung injury"},
	{"asthma", K_COND, NULL, "asthma|asthmatic"},
	{"covid", K_COND, NULL, "COVID|SARS-CoV-2|coronavirus"},
	{"influenza", K_COND, NULL, "influenza|flu"},
	{"hiv", K_COND, NULL, "HIV|AIDS|antiretroviral"},
	{"sepsis", K_COND, NULL, "sepsis|septic shock|septic"},
	{"tuberculosis", K_COND, NULL, "tuberculosis|TB"},
	/* immunity, gut, joints, skin, eyes */
	{"gvhd", K_COND, NULL, "GvHD|GVHD|aGvHD|cGvHD|graft versus host"},
	{"ibd", K_COND, NULL, "IBD|inflammatory bowel disease|"
	    "ulcerative colitis|colitis"},
	{"crohn", K_COND, "ibd", "crohn|crohn disease|perianal fistula|fistula|"
	    "fistulae|fistular|fistulizing"},
	{"arthritis", K_COND, NULL, "arthritis|arthritic"},
	{"rheumatoid arthritis", K_COND, "arthritis", "rheumatoid arthritis|RA"},
	{"osteoarthritis", K_COND, "arthritis", "osteoarthritis|OA|"
	    "gonarthrosis|osteoarthrosis|arthrosis|cartilage defect|cartilage"},
	{"spondyloarthritis", K_COND, "arthritis", "spondyloarthritis|axSpA|"
	    "ankylosing spondylitis|spondylitis|spondylarthropathy|"
	    "spondyloarthropathy"},
	{"lupus", K_COND, NULL, "lupus|SLE|systemic lupus erythematosus"},
	{"psoriasis", K_COND, NULL, "psoriasis|psoriatic"},
	{"dermatitis", K_COND, NULL, "atopic dermatitis|eczema|dermatitis"},
	{"macular degeneration", K_COND, NULL, "macular degeneration|AMD|nAMD|"
	    "geographic atrophy"},
	{"glaucoma", K_COND, NULL, "glaucoma"},
	/* cancer */
	{"cancer", K_COND, NULL, "cancer|tumor|tumour|carcinoma|neoplasm|"
	    "neoplasia|malignancy|malignant|oncology|metastatic|metastasis|"
	    "adenocarcinoma|sarcoma|solid tumor|solid tumour"},
	{"lung cancer", K_COND, "cancer", "lung cancer|NSCLC|SCLC|"
	    "non small cell lung|small cell lung|lung carcinoma"},
	{"breast cancer", K_COND, "cancer", "breast cancer|breast carcinoma|"
	    "breast neoplasm|TNBC|triple negative breast"},
	{"prostate cancer", K_COND, "cancer", "prostate cancer|"
	    "prostate carcinoma|prostatic neoplasm|CRPC|mCRPC"},
	{"colorectal cancer", K_COND, "cancer", "colorectal cancer|"
	    "colorectal carcinoma|colon cancer|rectal cancer|CRC"},
	{"pancreatic cancer", K_COND, "cancer", "pancreatic cancer|"
	    "pancreatic adenocarcinoma|PDAC|pancreatic ductal"},
	{"brain tumour", K_COND, "cancer", "glioblastoma|GBM|glioma|"
	    "astrocytoma|brain tumor|brain tumour"},
	{"melanoma", K_COND, "cancer", "melanoma"},
	{"leukemia", K_COND, "cancer", "leukemia|leukaemia|AML|CLL|CML|"
	    "acute myeloid|lymphoblastic"},
	{"lymphoma", K_COND, "cancer", "lymphoma|DLBCL|hodgkin"},
	{"myeloma", K_COND, "cancer", "myeloma|multiple myeloma"},
	{"liver cancer", K_COND, "cancer", "hepatocellular carcinoma|HCC|"
	    "liver cancer"},
	{"kidney cancer", K_COND, "cancer", "renal cell carcinoma|RCC|"
	    "kidney cancer"},
	{"ovarian cancer", K_COND, "cancer", "ovarian cancer|ovarian carcinoma"},
	/* cells and tissues as therapies */
	{"stem cell", K_INTERV, NULL, "stem cell|stem cell therapy|"
	    "stem cell based|cell therapy|cell based therapy|progenitor cell|"
	    "cellular therapy"},
	{"msc", K_INTERV, "stem cell", "MSC|hMSC|itMSC|LMSC|mesenchymal|"
	    "mesenchymal stem cell|mesenchymal stromal cell|mesenchymal cell|"
	    "mesenchymal precursor cell|mesenchymal progenitor cell|MPC|"
	    "medicinal signaling cell|BM-MSC|AD-MSC|UC-MSC|Lomecel-B|"
	    "remestemcel|Ryoncil|Prochymal|darvadstrocel|Alofisel"},
	{"ipsc", K_INTERV, "stem cell", "iPSC|induced pluripotent|"
	    "pluripotent stem cell|embryonic stem cell"},
	{"hsc", K_INTERV, "stem cell", "hematopoietic stem cell|"
	    "haematopoietic stem cell|HSC|HSCT|bone marrow transplant|"
	    "bone marrow transplantation|stem cell transplant|"
	    "stem cell transplantation"},
	{"exosome", K_INTERV, NULL, "exosome|extracellular vesicle|EV|"
	    "secretome"},
	{"car-t", K_INTERV, NULL, "CAR-T|CAR T|chimeric antigen receptor"},
	{"gene therapy", K_INTERV, NULL, "gene therapy|AAV|CRISPR|"
	    "gene editing|antisense|ASO|siRNA|gene transfer"},
	{"bone marrow", K_TISSUE, NULL, "bone marrow|BM|marrow|BM-MSC|"
	    "bone marrow transplant|bone marrow transplantation"},
	{"adipose", K_TISSUE, NULL, "adipose|adipose tissue|fat derived|"
	    "lipoaspirate|AD-MSC|stromal vascular fraction|SVF"},
	{"umbilical cord", K_TISSUE, NULL, "umbilical cord|umbilical|UC-MSC|"
	    "wharton jelly|cord blood|UCB|placenta|placental"},
	/* drugs and other interventions */
	{"cannabinoid", K_INTERV, NULL, "cannabinoid|cannabis|marijuana|THC|"
	    "dronabinol|nabilone|nabiximols|sativex"},
	{"cannabidiol", K_INTERV, "cannabinoid", "cannabidiol|CBD|epidiolex"},
	{"psychedelic", K_INTERV, NULL, "psychedelic|hallucinogen|LSD|MDMA|"
	    "DMT|ayahuasca|mescaline|ibogaine"},
	{"psilocybin", K_INTERV, "psychedelic", "psilocybin|psilocin|COMP360|"
	    "magic mushroom"},
	{"ketamine", K_INTERV, NULL, "ketamine|esketamine|spravato|arketamine"},
	{"antidepressant", K_INTERV, NULL, "antidepressant|SSRI|SNRI|"
	    "escitalopram|sertraline|fluoxetine|citalopram|paroxetine|"
	    "venlafaxine|duloxetine|bupropion|mirtazapine|vortioxetine"},
	{"antipsychotic", K_INTERV, NULL, "antipsychotic|neuroleptic|"
	    "clozapine|risperidone|olanzapine|aripiprazole|quetiapine|"
	    "haloperidol|paliperidone|lurasidone"},
	{"dopaminergic", K_INTERV, NULL, "levodopa|L-dopa|carbidopa|"
	    "dopamine agonist|pramipexole|ropinirole|rotigotine"},
	{"neuromodulation", K_INTERV, NULL, "deep brain stimulation|DBS|TMS|"
	    "rTMS|transcranial magnetic stimulation|tDCS|ECT|"
	    "electroconvulsive|vagus nerve stimulation|VNS"},
	{"antibody", K_INTERV, NULL, "monoclonal antibody|mAb|"
	    "antibody therapy"},
	{"anti-amyloid", K_INTERV, "antibody|alzheimer", "lecanemab|"
	    "aducanumab|donanemab|gantenerumab|solanezumab|anti-amyloid"},
	{"anti-tnf", K_INTERV, NULL, "anti-TNF|TNF inhibitor|adalimumab|"
	    "infliximab|etanercept|certolizumab|golimumab"},
	{"checkpoint inhibitor", K_INTERV, "cancer",
	    "checkpoint inhibitor|immune checkpoint|PD-1|PD-L1|CTLA-4|"
	    "pembrolizumab|nivolumab|atezolizumab|durvalumab|ipilimumab|"
	    "cemiplimab|keytruda|opdivo"},
	{"chemotherapy", K_INTERV, "cancer", "chemotherapy|chemo|cisplatin|"
	    "carboplatin|oxaliplatin|paclitaxel|docetaxel|gemcitabine|"
	    "doxorubicin|FOLFOX|FOLFIRI|FOLFIRINOX|fluorouracil|5-FU|"
	    "capecitabine|temozolomide|cyclophosphamide"},
	{"targeted therapy", K_INTERV, "cancer", "tyrosine kinase inhibitor|"
	    "TKI|osimertinib|erlotinib|gefitinib|imatinib|trastuzumab|"
	    "bevacizumab|cetuximab|olaparib|PARP inhibitor"},
	{"radiotherapy", K_INTERV, "cancer", "radiotherapy|radiation therapy|"
	    "radiosurgery|SBRT|proton therapy|brachytherapy"},
	{"glp-1", K_INTERV, NULL, "GLP-1|semaglutide|liraglutide|tirzepatide|"
	    "exenatide|dulaglutide|ozempic|wegovy|mounjaro"},
	{"metformin", K_INTERV, NULL, "metformin"},
	{"sglt2", K_INTERV, NULL, "SGLT2|empagliflozin|dapagliflozin|"
	    "canagliflozin"},
	{"insulin", K_INTERV, NULL, "insulin"},
	{"statin", K_INTERV, NULL, "statin|atorvastatin|rosuvastatin|"
	    "simvastatin|pravastatin"},
	{"rapamycin", K_INTERV, NULL, "rapamycin|sirolimus|everolimus|rapalog|"
	    "mTOR inhibitor|RAD001"},
	{"senolytic", K_INTERV, NULL, "senolytic|dasatinib|quercetin|fisetin|"
	    "navitoclax"},
	{"nad", K_INTERV, NULL, "nicotinamide riboside|"
	    "nicotinamide mononucleotide|NMN|NAD|niacin"},
	{"vaccine", K_INTERV, NULL, "vaccine|vaccination|immunization|"
	    "immunisation"},
	{"flu vaccine", K_INTERV, "vaccine|influenza", "influenza vaccine|"
	    "influenza vaccination|flu vaccine|flu shot|"
	    "hemagglutination inhibition"},
	{"plasma", K_INTERV, NULL, "plasma exchange|TPE|young plasma|"
	    "plasmapheresis|convalescent plasma"},
	{"hormone", K_INTERV, NULL, "testosterone|estrogen|oestrogen|"
	    "estradiol|hormone replacement|HRT|growth hormone|DHEA|oxytocin"},
	{"opioid", K_INTERV, NULL, "opioid|buprenorphine|methadone|naltrexone|"
	    "naloxone|morphine"},
	{"psychotherapy", K_INTERV, NULL, "psychotherapy|"
	    "cognitive behavioral therapy|cognitive behavioural therapy|CBT|"
	    "mindfulness"},
	{"exercise", K_INTERV, NULL, "exercise|exercise training|"
	    "resistance training|aerobic training|strength training|"
	    "physical activity|physiotherapy"},
	{"diet", K_INTERV, NULL, "caloric restriction|calorie restriction|"
	    "dietary restriction|intermittent fasting|fasting|ketogenic diet|"
	    "time restricted eating|mediterranean diet"},
	/* institutions by name (others are found by pattern) */
	{"uthealth", K_PLACE, NULL, "UTHealth|UTHealth Houston|UT Health|"
	    "University of Texas Health Science Center"},
	{"md anderson", K_PLACE, NULL, "MD Anderson"},
	{"johns hopkins", K_PLACE, NULL, "Johns Hopkins"},
	{"karolinska", K_PLACE, NULL, "Karolinska"},
};

/* Words that name an institution when capitalised words come with them. */
const char *const identity_place_words[] = {
	"university", "hospital", "clinic", "institute", "institut", "college",
	"school", "center", "centre", "foundation", "inc", "ltd", "gmbh", "llc",
	"plc", "pharmaceuticals", "pharma", "therapeutics", "biosciences",
	"biotech", "laboratories", NULL,
};

/*
 * Words too generic to tell two trials apart: trial design, outcomes,
 * dosing, people, institutions' common nouns, page furniture.  Matched
 * after normalisation, so plurals need no entry.
 */
const char *const identity_stop_words[] = {
	/* English */
	"the", "and", "for", "about", "above", "across", "after", "again", "against", "along",
	"also", "always", "among", "another", "any", "because", "been",
	"before", "being", "below", "between", "both", "but", "came", "can",
	"could", "does", "done", "down", "during", "each", "either", "else",
	"even", "every", "from", "further", "have", "having", "here", "into",
	"just", "last", "like", "made", "make", "many", "might", "more",
	"most", "much", "must", "near", "next", "none", "only", "onto",
	"other", "others", "over", "same", "several", "should", "since",
	"some", "such", "than", "that", "their", "them", "then", "there",
	"these", "they", "this", "those", "through", "thus", "toward",
	"under", "until", "upon", "very", "various", "well", "were", "what",
	"when", "where", "which", "while", "whose", "will", "with", "within",
	"without", "would", "yet", "your", "example", "first", "second",
	"third", "one", "two", "three", "four", "five", "six", "ten", "new",
	"novel", "long", "short", "high", "higher", "low", "lower", "large",
	"small", "early", "late", "based", "using", "used", "use", "including",
	"include", "related", "associated", "specific", "potential",
	"possible", "different", "similar", "overall", "general", "total",
	"approximately", "approx", "per", "via", "versus", "compared",
	"comparison", "comparing", "plus", "alone", "add", "addition",
	"additional", "combined", "combination", "not", "yes", "true",
	"false", "unknown", "part", "type", "form", "model", "number",
	"level", "rate", "ratio", "mean", "median", "point", "score", "scale",
	"change", "time", "period", "stage", "year", "month", "week", "day",
	"hour", "minute", "older", "aged", "age", "adult", "elderly", "people",
	"person", "individual", "men", "women", "male", "female", "child",
	"children", "human", "subject", "participant", "patient", "volunteer",
	"healthy", "population", "cohort", "group", "arm", "site", "world",
	/* trials */
	"study", "trial", "phase", "pilot", "randomized", "randomised",
	"randomization", "randomisation", "random", "double", "blind",
	"blinded", "masked", "open", "label", "crossover", "parallel",
	"controlled", "control", "placebo", "sham", "vehicle", "matching",
	"standard", "usual", "care", "best", "supportive", "single",
	"multiple", "repeated", "multicenter", "multicentre", "center",
	"centre", "prospective", "retrospective", "observational",
	"interventional", "extension", "feasibility", "safety", "safe",
	"tolerability", "efficacy", "effectiveness", "effect", "effective",
	"efficacious", "pharmacokinetic", "pharmacokinetics",
	"pharmacodynamic", "pharmacodynamics", "evaluate", "evaluating",
	"evaluation", "assess", "assessing", "assessment", "investigate",
	"investigating", "investigation", "examine", "explore", "determine",
	"measure", "test", "testing", "demonstrate", "confirm", "confirmed",
	"show", "showed", "shown", "finding", "found", "suggest", "support",
	"evidence", "improve", "improved", "improvement", "improving",
	"reduce", "reduced", "reduction", "increase", "decrease", "prevent",
	"prevention", "response", "outcome", "endpoint", "baseline", "primary",
	"secondary", "exploratory", "analysis", "function", "functional",
	"quality", "life", "clinical", "clinically", "medical", "medicine",
	"health", "disease", "disorder", "syndrome", "condition", "symptom",
	"sign", "risk", "factor", "mild", "moderate", "severe", "advanced",
	"acute", "chronic", "refractory", "relapsed", "recurrent",
	"therapy", "therapeutic", "treatment", "treated", "treating", "treat",
	"intervention", "drug", "agent", "product", "compound", "dose",
	"dosing", "dosage", "regimen", "administration", "administered",
	"infusion", "injection", "intravenous", "subcutaneous",
	"intramuscular", "oral", "tablet", "capsule", "daily", "weekly",
	"monthly", "once", "twice", "adjunctive", "adjunct", "cell",
	"cellular", "derived", "allogenic", "result", "data", "published",
	"publication", "pending", "completed", "complete", "ongoing",
	"recruiting", "status", "terminated", "withdrawn", "registered",
	"registration", "identifier", "record", "registry", "positive",
	"negative", "significant", "significantly", "statistically",
	"underpowered", "sample", "size", "estimated", "actual", "expected",
	"planned", "initial", "final", "interim", "follow", "followup", "line",
	"systemic", "local", "signal", "signaling", "mechanism", "target",
	"activity", "active", "observed",
	/* institutions' common nouns */
	"university", "universities", "hospital", "institute", "institut",
	"college", "school", "foundation", "research", "science", "sciences",
	"national", "international", "department", "division", "society",
	"association", "consortium", "network", "group", "company",
	"corporation", "corp", "inc", "ltd", "llc", "gmbh", "plc",
	"pharmaceutical", "pharma", "therapeutics", "biosciences", "biotech",
	"laboratories", "laboratory", "sponsor", "investigator", "principal",
	"professor", "council", "agency", "ministry", "government", "program",
	"programme", "project",
	/* page furniture, references */
	"clinicaltrials", "gov", "www", "http", "https", "html", "doi",
	"pmid", "pmc", "org", "com", "archive", "access", "accessed",
	"abstract", "verified", "closed", "author", "journal", "issue",
	"page", "citation", "reference", "footnote", "source", "link",
	"retrieved", "updated", "reviewed", "review", "summary", "report",
	"reported", "literature", "search", "note", "date",
	/* capitalised abbreviations that are not about any one trial */
	"II", "III", "IV", "VI", "USA", "US", "UK", "EU", "FDA", "EMA", "NIH",
	"NCI", "RCT", "AE", "SAE", "TEAE", "QOL", "BMI", "CI", "OR", "HR",
	"RR", "SD", "SE", "DNA", "RNA", "ID", "NCT", "PMID", "DOI", "URL",
	"PDF", "MD", "PHD", "IRB", "DSMB", "ITT", "PP", "WHO", "CDC", "IND",
	"NDA", "BLA", "CRO", "GCP", "ICH", "NA", "ON", "OFF", "MRI", "CT",
	"PET", "EEG", "ECG", "IQ", "ICU", "ER", NULL,
};

_Static_assert(sizeof(identity_lexicon) / sizeof(identity_lexicon[0]) ==
    N_CONCEPTS, "N_CONCEPTS must be the number of rows of identity_lexicon");
