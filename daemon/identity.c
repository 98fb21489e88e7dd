/*
 * identity.c - PURE: compare what a page says about a trial with the
 * registry record its NCT ID resolves to, and flag only clear disagreement
 * (the method is described in identity.h).  The lexicon is data below.
 */
#include "identity.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOK_MAX		40	/* bytes of a normalised word kept */
#define VAR_TOK_MAX	8	/* words in one lexicon phrase */
#define PLACE_WORDS	4	/* capitalised words before "Hospital" & co */
#define SHOW_TERMS	6	/* page words an evidence text names */
#define SHOW_LIST	5	/* conditions / interventions it names */
#define SHOW_TITLE	160	/* bytes of the record's title it quotes */
#define SHOW_NAME	80	/* bytes of a condition, intervention, sponsor */
#define SURFACE_MAX	60	/* bytes of one page phrase it quotes */
#define MIN_ENROLLMENT	10	/* smaller counts match by accident */
#define MIN_ACRONYM	3	/* shorter acronyms match by accident */

/* ------------------------------------------------------------- lexicon */

enum kind {
	K_COND,		/* a condition */
	K_INTERV,	/* an intervention or its class */
	K_TISSUE,	/* a cell or tissue source */
	K_PLACE,	/* an institution */
};

/*
 * A concept and the phrases that name it, '|'-separated.  A phrase is
 * matched word by word after normalisation (so "Parkinson's disease"
 * matches "parkinson disease"); a phrase with a capital letter matches only
 * as written ("PD" not "pd"), plural s allowed.  `parents` names broader
 * concepts (also '|'-separated) that a mention implies.  At each word the
 * longest phrase wins; phrases of equal length all count ("BM-MSC" is
 * both "bone marrow" and "msc").  To extend: add a row or a phrase.
 */
struct concept {
	const char *name;
	enum kind kind;
	const char *parents;
	const char *phrases;
};

static const struct concept lexicon[] = {
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

#define NCONCEPTS (sizeof(lexicon) / sizeof(lexicon[0]))

/* Words that name an institution when capitalised words come with them. */
static const char *const place_words[] = {
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
static const char *const stop_words[] = {
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

/* ----------------------------------------------------------- evidence */

struct ebuf {
	char *s;
	size_t len, cap;
	bool failed;
};

static void ebuf_add(struct ebuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Room for n more bytes and a NUL.  0 / -1 (then b->failed). */
static int
ebuf_room(struct ebuf *b, size_t n)
{
	size_t cap;
	char *s;

	if (b->failed)
		return -1;
	if (b->len + n + 1 <= b->cap)
		return 0;
	for (cap = b->cap ? b->cap : 256; b->len + n + 1 > cap;)
		cap *= 2;
	if ((s = realloc(b->s, cap)) == NULL) {
		b->failed = true;
		return -1;
	}
	b->s = s;
	b->cap = cap;
	return 0;
}

static void
ebuf_add(struct ebuf *b, const char *fmt, ...)
{
	va_list ap;
	size_t room = b->cap - b->len;
	int n;

	if (b->failed)
		return;
	/* Formatted in place; a second time only when it did not fit. */
	va_start(ap, fmt);
	n = vsnprintf(room ? b->s + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if ((size_t)n >= room) {
		if (ebuf_room(b, (size_t)n) < 0)
			return;
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

/*
 * n bytes of s as they are: most of the evidence is plain strings, which
 * need no format parsed (that was a fifth of a judgement's time).
 */
static void
ebuf_put(struct ebuf *b, const char *s, size_t n)
{
	if (ebuf_room(b, n) < 0)
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
ebuf_str(struct ebuf *b, const char *s)
{
	ebuf_put(b, s, strlen(s));
}

/*
 * Up to max bytes of s (n bytes) between `quote`s, cut at a character
 * (the evidence must stay valid UTF-8), with "…" if cut.
 */
static void
ebuf_cut(struct ebuf *b, const char *s, size_t n, size_t max,
    const char *quote)
{
	size_t k = n;

	if (k > max) {
		k = max;
		while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
			k--;
	}
	ebuf_str(b, quote);
	/* As "%.*s" did: a NUL ends it. */
	ebuf_put(b, s, strnlen(s, k));
	if (k < n)
		ebuf_str(b, "\xe2\x80\xa6");
	ebuf_str(b, quote);
}

static void
ebuf_quote(struct ebuf *b, const char *s, size_t n, size_t max)
{
	ebuf_cut(b, s, n, max, "\"");
}

/* ------------------------------------------------------------- words */

struct tok {
	const char *s;		/* the word as written */
	size_t len;		/* its bytes, a possessive 's left out */
	unsigned piece;		/* block number ('\n' or '|' separated) */
	bool soft;		/* only spaces, '-' or '/' since the word before */
	bool upper;		/* in capitals: an abbreviation ("MSCs" too) */
	bool cap;		/* starts with a capital */
	bool cs;		/* lexicon phrases: match as written */
	bool alpha;		/* norm has a byte that is not a digit */
	unsigned char nlen;	/* strlen(norm) */
	uint32_t h;		/* word_hash(norm): tables are looked up by it */
	/* Its entry in the lexicon's index, NULL if none (index_words()). */
	const struct word *w;
	char norm[TOK_MAX];
};

struct toks {
	struct tok *v;
	size_t n, cap;
};

static bool
is_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/*
 * What ASCII bytes are to a word, by table: read_word() asks it of every
 * byte of every page word.
 */
enum {
	C_DIGIT = 1,
	C_LOWER = 2,
	C_UPPER = 4,
};
#define C_OF(c) ((c) >= '0' && (c) <= '9' ? C_DIGIT : \
	(c) >= 'a' && (c) <= 'z' ? C_LOWER : (c) >= 'A' && (c) <= 'Z' ? C_UPPER : 0)
#define C_OF4(c) C_OF(c), C_OF((c) + 1), C_OF((c) + 2), C_OF((c) + 3)
#define C_OF16(c) C_OF4(c), C_OF4((c) + 4), C_OF4((c) + 8), C_OF4((c) + 12)
static const unsigned char ascii_class[128] = {
	C_OF16(0), C_OF16(16), C_OF16(32), C_OF16(48),
	C_OF16(64), C_OF16(80), C_OF16(96), C_OF16(112),
};

/*
 * Bytes of the word character at s (n left): ASCII letters and digits,
 * Latin-1 and Latin Extended-A letters; 0 for anything else.
 */
static inline size_t
word_char(const unsigned char *s, size_t n)
{
	if (s[0] < 0x80)
		return ascii_class[s[0]] != 0;
	if (n >= 2 && (s[1] & 0xc0) == 0x80 &&
	    ((s[0] == 0xc3 && s[1] != 0x97 && s[1] != 0xb7) || s[0] == 0xc4 ||
	    s[0] == 0xc5))
		return 2;
	return 0;
}

/* An apostrophe at s ("'", U+2018, U+2019): its bytes, else 0. */
static size_t
apostrophe(const unsigned char *s, size_t n)
{
	if (s[0] == '\'')
		return 1;
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 &&
	    (s[2] == 0x98 || s[2] == 0x99))
		return 3;
	return 0;
}

/* A separator that keeps a phrase together: space, '-', '/', NBSP, U+2010/11. */
static size_t
soft_sep(const unsigned char *s, size_t n)
{
	if (s[0] == ' ' || s[0] == '\t' || s[0] == '-' || s[0] == '/')
		return 1;
	if (n >= 2 && s[0] == 0xc2 && s[1] == 0xa0)
		return 2;
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 &&
	    (s[2] == 0x90 || s[2] == 0x91))
		return 3;
	return 0;
}

/* FNV-1a: cheap over words of a few bytes, and spreads them well enough. */
static uint32_t
word_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t k;

	for (k = 0; k < n; k++)
		h = (h ^ (unsigned char)s[k]) * 16777619u;
	return h;
}

/*
 * The word at text[i] (a word character) into *w, read and normalised in
 * one pass (every page word of every judgement comes through here): lower
 * case, plural s off: "MSCs" -> "msc", "therapies" -> "therapy", "cells"
 * -> "cell"; not "sclerosis", "virus", "ALS", nor words with digits.  Only
 * the first TOK_MAX - 1 bytes are kept.  Sets every field but piece and
 * soft; returns the index past the word.
 */
static size_t
read_word(const char *text, size_t i, size_t len, struct tok *w)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t n = 0, letters = 0, caps = 0, digits = 0, k;
	bool any_upper, lower_s;
	unsigned char c;

	w->s = text + i;
	/* The bytes kept, then (rarely) the rest of a long word. */
	while (i < len && n < TOK_MAX - 1) {
		c = t[i];
		if (c >= 0x80) {
			if (word_char(t + i, len - i) == 0)
				break;
			w->norm[n++] = (char)c;
			/* Latin-1 capitals: U+00C0..U+00DE are 0xc3 0x80..0x9e */
			c = t[i + 1];
			if (t[i] == 0xc3 && c <= 0x9e && c != 0x97)
				c = (unsigned char)(c + 0x20);
			if (n < TOK_MAX - 1)
				w->norm[n++] = (char)c;
			i += 2;
			continue;
		}
		/* Most often first. */
		if ((k = ascii_class[c]) == C_LOWER) {
			letters++;
		} else if (k == C_UPPER) {
			letters++;
			caps++;
			c = (unsigned char)(c | 0x20);
		} else if (k == C_DIGIT) {
			digits++;
		} else {
			break;
		}
		w->norm[n++] = (char)c;
		i++;
	}
	any_upper = caps > 0;
	while (i < len && (k = word_char(t + i, len - i)) > 0) {
		any_upper = any_upper || is_upper(t[i]);
		i += k;
	}
	w->len = (size_t)(text + i - w->s);
	w->norm[n] = '\0';
	lower_s = w->len > 1 && w->s[w->len - 1] == 's';
	w->cap = is_upper(t[w->s - text]);
	w->upper = letters > 0 && (caps == letters ||
	    (lower_s && caps == letters - 1 && caps >= 2));
	w->cs = any_upper;
	if (digits == 0 && lower_s) {
		if (n > 4 && memcmp(w->norm + n - 3, "ies", 3) == 0) {
			memcpy(w->norm + n - 3, "y", 2);
			n -= 2;
		} else if (n > 3 && w->norm[n - 2] != 's' &&
		    w->norm[n - 2] != 'u' && w->norm[n - 2] != 'i') {
			w->norm[--n] = '\0';
		}
	}
	/* Digits are never taken off, so all else in norm is a non-digit. */
	w->alpha = n > digits;
	w->nlen = (unsigned char)n;
	w->h = word_hash(w->norm, n);
	return i;
}

/* A new last token of l, its fields unset; NULL on allocation failure. */
static struct tok *
toks_add(struct toks *l)
{
	struct tok *v;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 256;
		if ((v = realloc(l->v, cap * sizeof(*v))) == NULL)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	return &l->v[l->n++];
}

/*
 * Cut text into words.  `brk` separates blocks (phrases in the lexicon);
 * every other non-word byte separates words.  0 / -1.
 */
static int
tokenize(const char *text, size_t len, char brk, struct toks *out)
{
	const unsigned char *t = (const unsigned char *)text;
	struct tok *w;
	unsigned piece = 0;
	bool soft = false;
	size_t i = 0, k, a;

	while (i < len) {
		if ((k = word_char(t + i, len - i)) == 0) {
			if (t[i] == (unsigned char)brk) {
				piece++;
				soft = false;
				i++;
			} else if ((a = soft_sep(t + i, len - i)) > 0) {
				i += a;
			} else {
				soft = false;
				i++;
			}
			continue;
		}
		if ((w = toks_add(out)) == NULL)
			return -1;
		w->piece = piece;
		w->soft = soft;
		i = read_word(text, i, len, w);
		/* "Parkinson's": the possessive goes, the word stays. */
		if (i < len && (a = apostrophe(t + i, len - i)) > 0 &&
		    i + a < len && (t[i + a] == 's' || t[i + a] == 'S') &&
		    (i + a + 1 == len || word_char(t + i + a + 1,
		    len - i - a - 1) == 0))
			i += a + 1;
		soft = true;
	}
	return 0;
}

/* "NCT" and 8 digits. */
static bool
is_nct(const struct tok *t)
{
	size_t k;

	if (t->nlen != 11 || strncmp(t->norm, "nct", 3) != 0)
		return false;
	for (k = 3; k < 11; k++)
		if (!is_digit((unsigned char)t->norm[k]))
			return false;
	return true;
}

/* ------------------------------------------------------------ words */

enum {
	W_STOP = 1,		/* a stop word, normalised */
	W_PLACE = 2,		/* a place word, as place_words[] writes it */
};

/* A word of a word table: its text, hash, and what it is. */
struct word {
	const char *norm;	/* NULL: a free slot */
	uint32_t h;
	unsigned len;		/* strlen(norm) */
	unsigned flags;
	size_t var, n_vars;	/* the lexicon phrases it starts, in vars[] */
};

/*
 * Words by hash, open addressing: a page's words are looked up in the
 * lexicon and the record's words, and most are in neither, so a miss must
 * cost one probe rather than a binary search of strcmp.  The table is
 * sized once, at most half full, and only read after it is made.
 */
struct wordtab {
	struct word *v;		/* NULL when empty */
	size_t mask;
};

/* Room for n words.  0 / -1. */
static int
wordtab_init(struct wordtab *t, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	if ((t->v = calloc(cap, sizeof(*t->v))) == NULL)
		return -1;
	t->mask = cap - 1;
	return 0;
}

/* The slot of `norm` (n bytes): its own, or the free one it would take. */
static struct word *
wordtab_slot(const struct wordtab *t, const char *norm, size_t n,
    uint32_t h)
{
	size_t i = h & t->mask;

	while (t->v[i].norm != NULL && (t->v[i].h != h || t->v[i].len != n ||
	    memcmp(t->v[i].norm, norm, n) != 0))
		i = (i + 1) & t->mask;
	return &t->v[i];
}

/* The entry of word t, NULL if none. */
static const struct word *
wordtab_get(const struct wordtab *t, const struct tok *w)
{
	const struct word *e;

	if (t->v == NULL)
		return NULL;
	e = wordtab_slot(t, w->norm, w->nlen, w->h);
	return e->norm ? e : NULL;
}

/*
 * The entry of `norm` (borrowed: it must outlive the table or be
 * repointed), made if new.
 */
static struct word *
wordtab_put(struct wordtab *t, const char *norm)
{
	size_t n = strlen(norm);
	uint32_t h = word_hash(norm, n);
	struct word *w = wordtab_slot(t, norm, n, h);

	if (w->norm == NULL) {
		w->norm = norm;
		w->h = h;
		w->len = (unsigned)n;
	}
	return w;
}

/* ------------------------------------------------------------ tables */

/* A lexicon phrase: `ntok` words from `first` in the phrase words. */
struct var {
	unsigned concept;
	unsigned ntok;
	size_t first;
};

/* The tables of one judgement, normalised by the same code as the texts. */
struct tables {
	struct toks words;	/* all lexicon phrases' words */
	struct var *vars;	/* sorted by their first word */
	size_t n_vars;
	struct toks stops;	/* normalised stop words */
	/* Phrases' first words, stop words and place words, by hash. */
	struct wordtab index;
	int parent[NCONCEPTS][2];	/* -1: none */
};

/* qsort has no context argument: the word array travels in the keys. */
struct var_key {
	struct var v;
	const struct tok *words;
};

static int
var_cmp(const void *pa, const void *pb)
{
	const struct var_key *a = pa, *b = pb;
	int c = strcmp(a->words[a->v.first].norm, b->words[b->v.first].norm);

	if (c != 0)
		return c;
	return a->v.ntok < b->v.ntok ? 1 : a->v.ntok > b->v.ntok ? -1 : 0;
}

static int
concept_index(const char *name, size_t n)
{
	size_t k;

	for (k = 0; k < NCONCEPTS; k++)
		if (strlen(lexicon[k].name) == n &&
		    strncmp(lexicon[k].name, name, n) == 0)
			return (int)k;
	return -1;
}

static void
tables_free(struct tables *tb)
{
	free(tb->words.v);
	free(tb->vars);
	free(tb->stops.v);
	free(tb->index.v);
}

static int
tables_init(struct tables *tb)
{
	struct var_key *keys = NULL;
	size_t k, c, i, n_keys = 0, cap_keys = 0;
	const char *p, *bar;
	int rc = -1;

	memset(tb, 0, sizeof(*tb));
	for (c = 0; c < NCONCEPTS; c++) {
		size_t from = tb->words.n;

		tb->parent[c][0] = tb->parent[c][1] = -1;
		for (p = lexicon[c].parents, k = 0; p && *p && k < 2; k++) {
			bar = strchr(p, '|');
			tb->parent[c][k] = concept_index(p, bar ? (size_t)(bar - p) :
			    strlen(p));
			/* A misspelt parent fails every judgement: tests see it. */
			if (tb->parent[c][k] < 0)
				goto out;
			p = bar ? bar + 1 : NULL;
		}
		if (tokenize(lexicon[c].phrases, strlen(lexicon[c].phrases),
		    '|', &tb->words) < 0)
			goto out;
		for (i = from; i < tb->words.n; i = k) {
			for (k = i + 1; k < tb->words.n &&
			    tb->words.v[k].piece == tb->words.v[i].piece; k++)
				;
			if (k - i > VAR_TOK_MAX)
				continue;
			if (n_keys == cap_keys) {
				struct var_key *nk;

				cap_keys = cap_keys ? cap_keys * 2 : 512;
				if ((nk = realloc(keys, cap_keys *
				    sizeof(*nk))) == NULL)
					goto out;
				keys = nk;
			}
			keys[n_keys].v.concept = (unsigned)c;
			keys[n_keys].v.ntok = (unsigned)(k - i);
			keys[n_keys].v.first = i;
			n_keys++;
		}
	}
	for (k = 0; k < n_keys; k++)
		keys[k].words = tb->words.v;
	qsort(keys, n_keys, sizeof(*keys), var_cmp);
	if ((tb->vars = calloc(n_keys ? n_keys : 1, sizeof(*tb->vars))) == NULL)
		goto out;
	for (k = 0; k < n_keys; k++)
		tb->vars[k] = keys[k].v;
	tb->n_vars = n_keys;

	for (k = 0; stop_words[k]; k++)
		if (tokenize(stop_words[k], strlen(stop_words[k]), '\n',
		    &tb->stops) < 0)
			goto out;
	for (i = 0; place_words[i]; i++)
		;
	if (wordtab_init(&tb->index, n_keys + tb->stops.n + i) < 0)
		goto out;
	/* vars[] is sorted by first word: each word's phrases are a run. */
	for (k = 0; k < n_keys; k++) {
		const struct tok *t = &tb->words.v[tb->vars[k].first];
		struct word *w = wordtab_put(&tb->index, t->norm);

		if (w->n_vars++ == 0)
			w->var = k;
	}
	for (k = 0; k < tb->stops.n; k++)
		wordtab_put(&tb->index, tb->stops.v[k].norm)->flags |= W_STOP;
	/* As written, not normalised: matched against normalised words. */
	for (k = 0; place_words[k]; k++)
		wordtab_put(&tb->index, place_words[k])->flags |= W_PLACE;
	rc = 0;
out:
	free(keys);
	if (rc < 0)
		tables_free(tb);
	return rc;
}

/*
 * Each word's entry in the index, looked up once: find_concepts(),
 * is_content() and find_places() all ask, and a text's words must go
 * through here before they do.
 */
static void
index_words(const struct tables *tb, struct toks *l)
{
	size_t k;

	for (k = 0; k < l->n; k++)
		l->v[k].w = wordtab_get(&tb->index, &l->v[k]);
}

/* Is t (through index_words()) in the index as `flag`? */
static bool
is_word(const struct tok *t, unsigned flag)
{
	return t->w != NULL && (t->w->flags & flag);
}

/*
 * A word that can tell trials apart: four letters or more, or an
 * abbreviation in capitals; not a generic word, a number or an NCT ID.
 */
static bool
is_content(const struct tok *t)
{
	size_t n = t->nlen;

	if (!t->alpha || is_nct(t))
		return false;
	if (n < 4 && !(t->upper && n >= 2))
		return false;
	return !is_word(t, W_STOP);
}

/* ------------------------------------------------------------ concepts */

/* A concept (or an institution, concept -1) found in a text. */
struct found {
	int concept;
	const char *s;		/* the words as written */
	size_t len;
	unsigned piece;
};

struct founds {
	struct found *v;
	size_t n, cap;
};

static int
found_push(struct founds *l, int concept, const struct tok *a,
    const struct tok *b)
{
	struct found *v;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 32;
		if ((v = realloc(l->v, cap * sizeof(*v))) == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	v = &l->v[l->n++];
	v->concept = concept;
	v->s = a->s;
	v->len = (size_t)(b->s + b->len - a->s);
	v->piece = a->piece;
	return 0;
}

/* Does lexicon word `w` match text word `t`? */
static bool
word_match(const struct tok *w, const struct tok *t)
{
	if (w->h != t->h || strcmp(w->norm, t->norm) != 0)
		return false;
	if (!w->cs)
		return true;
	/* As written, a plural s allowed: "MSC" matches "MSCs", not "Msc". */
	if (t->len == w->len)
		return memcmp(t->s, w->s, w->len) == 0;
	return t->len == w->len + 1 && memcmp(t->s, w->s, w->len) == 0 &&
	    t->s[w->len] == 's';
}

static bool
var_match(const struct tables *tb, const struct var *v, const struct toks *l,
    size_t i)
{
	size_t k;

	if (i + v->ntok > l->n)
		return false;
	for (k = 0; k < v->ntok; k++) {
		const struct tok *t = &l->v[i + k];

		if (k > 0 && (!t->soft || t->piece != l->v[i].piece))
			return false;
		if (!word_match(&tb->words.v[v->first + k], t))
			return false;
	}
	return true;
}

/* Lexicon phrases in a text: the longest at each word, all of that length. */
static int
find_concepts(const struct tables *tb, const struct toks *l,
    struct founds *out)
{
	const struct word *w;
	size_t i = 0, a, b, k, best;

	while (i < l->n) {
		/* Most words start no phrase: one probe says so. */
		w = l->v[i].w;
		a = w ? w->var : 0;
		b = w ? w->var + w->n_vars : 0;
		best = 0;
		for (k = a; k < b; k++)
			if (tb->vars[k].ntok > best &&
			    var_match(tb, &tb->vars[k], l, i))
				best = tb->vars[k].ntok;
		if (best == 0) {
			i++;
			continue;
		}
		for (k = a; k < b; k++)
			if (tb->vars[k].ntok == best &&
			    var_match(tb, &tb->vars[k], l, i) &&
			    found_push(out, (int)tb->vars[k].concept, &l->v[i],
			    &l->v[i + best - 1]) < 0)
				return -1;
		i += best;
	}
	return 0;
}

/* Two neighbouring words of one phrase? */
static bool
joined(const struct toks *l, size_t i)
{
	return l->v[i].soft && l->v[i].piece == l->v[i - 1].piece;
}

/*
 * Institutions by pattern: "University of Texas", "Miller School",
 * "Example Devices Ltd" - a capitalised place word with capitalised words
 * before it, or "University of" with capitalised words after it.
 */
static int
find_places(const struct toks *l, struct founds *out)
{
	size_t i, j, e;
	bool named;

	for (i = 0; i < l->n; i++) {
		const struct tok *t = &l->v[i];

		if (!t->cap || !is_word(t, W_PLACE))
			continue;
		if (strcmp(t->norm, "university") == 0 && i + 2 < l->n &&
		    strcmp(l->v[i + 1].norm, "of") == 0 && joined(l, i + 1) &&
		    l->v[i + 2].cap && joined(l, i + 2)) {
			for (e = i + 2; e + 1 < l->n && e - i < PLACE_WORDS + 1 &&
			    l->v[e + 1].cap && joined(l, e + 1) &&
			    !is_word(&l->v[e + 1], W_PLACE); e++)
				;
			if (found_push(out, -1, t, &l->v[e]) < 0)
				return -1;
			i = e;
			continue;
		}
		named = false;
		for (j = i; j > 0 && i - j < PLACE_WORDS && joined(l, j) &&
		    l->v[j - 1].cap; j--)
			if (!is_word(&l->v[j - 1], W_STOP))
				named = true;
		if (named && found_push(out, -1, &l->v[j], t) < 0)
			return -1;
	}
	return 0;
}

/* Page order; of two at one place the longer first. */
static int
found_cmp(const void *pa, const void *pb)
{
	const struct found *a = pa, *b = pb;

	if (a->s != b->s)
		return a->s < b->s ? -1 : 1;
	return a->len > b->len ? -1 : a->len < b->len;
}

/* Is f inside one of the n phrases already shown? */
static bool
shown_within(const struct found *const *shown, size_t n,
    const struct found *f)
{
	size_t m;

	for (m = 0; m < n; m++)
		if (f->s >= shown[m]->s &&
		    f->s + f->len <= shown[m]->s + shown[m]->len)
			return true;
	return false;
}

/*
 * Up to SHOW_TERMS of the page's phrases, quoted, in page order; with
 * `multi`, only those of blocks that name no other trial.
 */
static void
show_found(struct ebuf *b, const struct founds *pf, const bool *multi)
{
	const struct found *shown[SHOW_TERMS];
	size_t k, n = 0;

	for (k = 0; k < pf->n && n < SHOW_TERMS; k++) {
		if (shown_within(shown, n, &pf->v[k]) ||
		    (multi && multi[pf->v[k].piece]))
			continue;
		ebuf_str(b, n ? ", " : "");
		ebuf_quote(b, pf->v[k].s, pf->v[k].len, SURFACE_MAX);
		shown[n++] = &pf->v[k];
	}
}

/* The concept and the broader ones it implies, into has[] (surface too). */
static void
imply(const struct tables *tb, int c, bool *has, const struct found **surf,
    const struct found *f)
{
	int depth;

	for (depth = 0; c >= 0 && depth < 4; depth++) {
		if (!has[c]) {
			has[c] = true;
			if (surf)
				surf[c] = f;
		}
		if (tb->parent[c][1] >= 0)
			imply(tb, tb->parent[c][1], has, surf, f);
		c = tb->parent[c][0];
	}
}

/* Is `anc` a broader concept of c? */
static bool
broader(const struct tables *tb, int anc, int c)
{
	int depth, k;

	for (depth = 0; c >= 0 && depth < 4; depth++) {
		for (k = 0; k < 2; k++) {
			if (tb->parent[c][k] == anc)
				return true;
			if (k == 1 && tb->parent[c][1] >= 0 &&
			    broader(tb, anc, tb->parent[c][1]))
				return true;
		}
		c = tb->parent[c][0];
	}
	return false;
}

/* ------------------------------------------------------------ judging */

/* The lexicon tables, built once and shared by every judgement. */
struct identity {
	struct tables tb;
	unsigned min_terms;
};

/*
 * A record's distinct content words, only ever asked whether they hold a
 * page word.  Open addressing like a wordtab, at most half full, but 8
 * bytes a slot instead of 40: a scan keeps thousands of records prepared,
 * and a record's 100-odd words made a wordtab the largest part of one.
 */
struct wordset {
	struct wslot {
		uint32_t h;	/* word_hash() of the word */
		uint32_t at;	/* 1 + its offset in text; 0: a free slot */
	} *v;			/* NULL when the record has none */
	char *text;		/* the words, each NUL-terminated */
	size_t mask;
	size_t bytes;		/* v and text */
};

/*
 * What the evidence text quotes of the record, copied (one buffer): a
 * prepared record keeps nothing of the study it was made from.  Only the
 * first SHOW_LIST conditions and interventions, and how many there are.
 */
struct shown {
	char nct_id[NCT_ID_SIZE];
	const char *title;		/* brief, else official, else "" */
	const char *acronym;		/* NULL when none */
	const char *sponsor;		/* NULL when none */
	const char *conditions[SHOW_LIST];
	size_t n_conditions;
	const char *interventions[SHOW_LIST];
	size_t n_interventions;
	long enrollment;
	char *buf;
	size_t bytes;		/* of buf */
};

/* What the record side of a judgement needs, read once (identity.h). */
struct identity_record {
	bool has[NCONCEPTS];	/* concepts it names, and broader ones */
	bool concepts;		/* names any lexicon phrase */
	struct wordset words;	/* its distinct content words */
	struct toks acronym;	/* as the registry writes it, in show.buf */
	bool acronym_ok;	/* long enough to count */
	char num[24];		/* the enrollment, "" when too small */
	uint32_t num_h;
	struct shown show;
};

/* Everything one judgement gathers about the page. */
struct judge {
	const struct tables *tb;
	const struct identity_record *r;
	struct toks page;
	struct founds pf;	/* concepts on the page */
	bool *multi;		/* per page block: names two or more trials */
	size_t n_pieces;
	bool page_has[NCONCEPTS];
	const struct found *surf[NCONCEPTS];	/* first page words of each */
	const struct tok *shared_words[SHOW_TERMS];
	size_t n_shared_words;	/* all of them, not only those kept */
	bool acronym, enrollment;
	unsigned terms;		/* toward min_terms */
	bool cond_or_interv;
	bool uncounted;		/* terms in blocks naming other trials */
};

static void
judge_finish(struct judge *j)
{
	free(j->page.v);
	free(j->pf.v);
	free(j->multi);
}

static int
add_field(struct ebuf *b, const char *s)
{
	if (s != NULL && s[0] != '\0') {
		ebuf_str(b, s);
		ebuf_str(b, "\n");
	}
	return b->failed ? -1 : 0;
}

static int
add_fields(struct ebuf *b, char *const *v, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (add_field(b, v[k]) < 0)
			return -1;
	return 0;
}

/*
 * The slot of word `norm` (hash h): its own or a free one.  strcmp, not
 * memcmp of the probe's length: a shorter word may end the text.
 */
static struct wslot *
wordset_slot(const struct wordset *ws, const char *norm, uint32_t h)
{
	size_t i = h & ws->mask;

	while (ws->v[i].at != 0 && (ws->v[i].h != h ||
	    strcmp(ws->text + ws->v[i].at - 1, norm) != 0))
		i = (i + 1) & ws->mask;
	return &ws->v[i];
}

static bool
wordset_has(const struct wordset *ws, const struct tok *t)
{
	return ws->v != NULL && wordset_slot(ws, t->norm, t->h)->at != 0;
}

/*
 * The record's distinct content words, copied: the tokens they come from
 * are freed once the record is read.  0 / -1.
 */
static int
keep_words(struct wordset *ws, const struct toks *l)
{
	size_t k, n = 0, bytes = 0, cap = 16, used = 0;
	struct wslot *w;

	for (k = 0; k < l->n; k++)
		if (is_content(&l->v[k])) {
			n++;
			bytes += l->v[k].nlen + 1u;
		}
	if (n == 0)
		return 0;
	while (cap < 2 * n)
		cap *= 2;
	if ((ws->v = calloc(cap, sizeof(*ws->v))) == NULL ||
	    (ws->text = malloc(bytes)) == NULL)
		return -1;
	ws->mask = cap - 1;
	for (k = 0; k < l->n; k++) {
		const struct tok *t = &l->v[k];

		if (!is_content(t))
			continue;
		w = wordset_slot(ws, t->norm, t->h);
		if (w->at != 0)
			continue;
		memcpy(ws->text + used, t->norm, t->nlen + 1u);
		w->h = t->h;
		w->at = (uint32_t)used + 1;
		used += t->nlen + 1u;
	}
	/* Only `used`: identity_record_pack() copies no repeated word's room. */
	ws->bytes = cap * sizeof(*ws->v) + used;
	return 0;
}

/* The record's words and concepts. */
static int
read_record(struct identity_record *ir, const struct tables *tb,
    const struct study *r)
{
	struct toks rec = {0};
	struct founds rf = {0};
	struct ebuf b = {0};
	size_t k;
	int rc = -1;

	/*
	 * Not the acronym: find_acronym() wants it as written ("CARE", "STEP"
	 * and "HOPE" are trials and words).
	 */
	if (add_field(&b, r->brief_title) < 0 ||
	    add_field(&b, r->official_title) < 0 ||
	    add_field(&b, r->lead_sponsor) < 0 ||
	    add_fields(&b, r->conditions, r->n_conditions) < 0 ||
	    add_fields(&b, r->condition_meshes, r->n_condition_meshes) < 0 ||
	    add_fields(&b, r->keywords, r->n_keywords) < 0 ||
	    add_fields(&b, r->interventions, r->n_interventions) < 0 ||
	    add_fields(&b, r->other_names, r->n_other_names) < 0 ||
	    add_fields(&b, r->intervention_meshes,
	    r->n_intervention_meshes) < 0 ||
	    add_fields(&b, r->collaborators, r->n_collaborators) < 0)
		goto out;
	if (b.s != NULL) {
		if (tokenize(b.s, b.len, '\n', &rec) < 0)
			goto out;
		index_words(tb, &rec);
		if (find_concepts(tb, &rec, &rf) < 0 ||
		    keep_words(&ir->words, &rec) < 0)
			goto out;
	}
	for (k = 0; k < rf.n; k++)
		imply(tb, rf.v[k].concept, ir->has, NULL, NULL);
	ir->concepts = rf.n > 0;
	rc = 0;
out:
	free(rf.v);
	free(rec.v);
	free(b.s);
	return rc;
}

/* Blocks naming two or more NCT IDs: their words may be another trial's. */
static int
mark_multi(struct judge *j)
{
	const char **first = NULL;
	size_t k;
	unsigned p;

	j->n_pieces = j->page.n ? j->page.v[j->page.n - 1].piece + 1 : 0;
	if ((j->multi = calloc(j->n_pieces + 1, sizeof(*j->multi))) == NULL ||
	    (first = calloc(j->n_pieces + 1, sizeof(*first))) == NULL) {
		free(first);
		return -1;
	}
	for (k = 0; k < j->page.n; k++) {
		if (!is_nct(&j->page.v[k]))
			continue;
		p = j->page.v[k].piece;
		if (first[p] == NULL)
			first[p] = j->page.v[k].norm;
		else if (strcmp(first[p], j->page.v[k].norm) != 0)
			j->multi[p] = true;
	}
	free(first);
	return 0;
}

/*
 * The record's acronym as find_acronym() looks for it: matched as the
 * registry writes it where it is in capitals.  0 / -1.
 */
static int
read_acronym(struct identity_record *r)
{
	const char *acronym = r->show.acronym;
	size_t k, letters = 0;

	if (acronym == NULL)
		return 0;
	if (tokenize(acronym, strlen(acronym), '\n', &r->acronym) < 0)
		return -1;
	for (k = 0; k < r->acronym.n; k++) {
		letters += r->acronym.v[k].nlen;
		r->acronym.v[k].cs = r->acronym.v[k].upper;
	}
	r->acronym_ok = r->acronym.n > 0 && letters >= MIN_ACRONYM;
	return 0;
}

/* The record's acronym, written as the registry writes it. */
static void
find_acronym(struct judge *j)
{
	const struct toks *a = &j->r->acronym;
	size_t i, k;

	for (i = 0; j->r->acronym_ok && i + a->n <= j->page.n &&
	    !j->acronym; i++) {
		for (k = 0; k < a->n; k++)
			if ((k > 0 && (!j->page.v[i + k].soft ||
			    j->page.v[i + k].piece != j->page.v[i].piece)) ||
			    !word_match(&a->v[k], &j->page.v[i + k]))
				break;
		j->acronym = k == a->n;
	}
}

/* "n=45", "45 patients": the record's enrollment, when it is not tiny. */
static void
find_enrollment(struct judge *j)
{
	static const char *const people[] = {"patient", "participant",
	    "subject", "adult", "volunteer", "people", "individual", NULL};
	const char *num = j->r->num;
	uint32_t h = j->r->num_h;
	const struct tok *t, *u;
	size_t i, k;
	const char *p;
	bool eq;

	if (num[0] == '\0')
		return;
	for (i = 0; i + 1 < j->page.n && !j->enrollment; i++) {
		t = &j->page.v[i];
		u = &j->page.v[i + 1];
		if (u->piece != t->piece)
			continue;
		if (strcmp(t->norm, "n") == 0 && u->h == h &&
		    strcmp(u->norm, num) == 0) {
			eq = false;
			for (p = t->s + t->len; p < u->s; p++)
				if (*p == '=')
					eq = true;
				else if (*p != ' ')
					break;
			j->enrollment = eq && p == u->s;
		} else if (t->h == h && strcmp(t->norm, num) == 0 && u->soft) {
			for (k = 0; people[k]; k++)
				if (strcmp(u->norm, people[k]) == 0)
					j->enrollment = true;
		}
	}
}

static bool
rec_has_word(const struct judge *j, const struct tok *t)
{
	return wordset_has(&j->r->words, t);
}

/* What the page says, what it shares with the record, what counts. */
static void
compare(struct judge *j)
{
	bool direct[NCONCEPTS] = {false}, place = false;
	const char *seen[SHOW_TERMS];
	size_t k, m, n_seen = 0;
	int c, d;

	for (k = 0; k < j->pf.n; k++) {
		const struct found *f = &j->pf.v[k];
		bool counts = f->piece < j->n_pieces && !j->multi[f->piece];

		j->uncounted = j->uncounted || !counts;
		if (f->concept < 0) {
			place = place || counts;
			continue;
		}
		imply(j->tb, f->concept, j->page_has, j->surf, f);
		if (counts)
			direct[f->concept] = true;
	}
	/* A concept and a broader one ("MSC", "stem cell") count once. */
	for (c = 0; c < (int)NCONCEPTS; c++) {
		if (!direct[c])
			continue;
		for (d = 0; d < (int)NCONCEPTS; d++)
			if (d != c && direct[d] && broader(j->tb, c, d))
				break;
		if (d < (int)NCONCEPTS)
			continue;
		if (lexicon[c].kind == K_PLACE) {
			place = true;
			continue;
		}
		j->terms++;
		if (lexicon[c].kind == K_COND || lexicon[c].kind == K_INTERV)
			j->cond_or_interv = true;
	}
	j->terms += place;

	for (k = 0; k < j->page.n; k++) {
		const struct tok *t = &j->page.v[k];

		if (!is_content(t) || !rec_has_word(j, t))
			continue;
		for (m = 0; m < n_seen; m++)
			if (strcmp(seen[m], t->norm) == 0)
				break;
		if (m < n_seen)
			continue;
		if (n_seen < SHOW_TERMS) {
			seen[n_seen] = t->norm;
			j->shared_words[n_seen++] = t;
		}
		j->n_shared_words++;
	}
}

static unsigned
shared_concepts(const struct judge *j)
{
	unsigned n = 0;
	size_t c;

	for (c = 0; c < NCONCEPTS; c++)
		n += j->page_has[c] && j->r->has[c];
	return n;
}

/* A list of record strings, at most SHOW_LIST of them. */
static void
show_list(struct ebuf *b, const char *const *v, size_t n)
{
	size_t k;

	if (n == 0) {
		ebuf_str(b, "none given");
		return;
	}
	for (k = 0; k < n && k < SHOW_LIST; k++) {
		ebuf_str(b, k ? ", " : "");
		ebuf_cut(b, v[k], strlen(v[k]), SHOW_NAME, "");
	}
	if (n > SHOW_LIST)
		ebuf_add(b, " and %zu more", n - SHOW_LIST);
}

static const char *
record_title(const struct study *r)
{
	if (r->brief_title && r->brief_title[0])
		return r->brief_title;
	if (r->official_title && r->official_title[0])
		return r->official_title;
	return "";
}

/* Room for s, NULL or not, in *bytes; copy it to *p (advanced). */
static const char *
shown_str(const char *s, char **p, size_t *bytes)
{
	size_t n;
	const char *at;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	if (p == NULL) {
		*bytes += n;
		return NULL;
	}
	at = memcpy(*p, s, n);
	*p += n;
	return at;
}

/* Copy what the evidence quotes of r into *sh, in two passes.  0 / -1. */
static int
shown_copy(struct shown *sh, const struct study *r)
{
	size_t bytes = 0, k, nc = r->n_conditions, ni = r->n_interventions;
	char *p = NULL, **pp = NULL;
	int pass;

	if (nc > SHOW_LIST)
		nc = SHOW_LIST;
	if (ni > SHOW_LIST)
		ni = SHOW_LIST;
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			if ((p = sh->buf = malloc(bytes)) == NULL)
				return -1;
			pp = &p;
		}
		sh->title = shown_str(record_title(r), pp, &bytes);
		sh->acronym = shown_str(r->acronym, pp, &bytes);
		sh->sponsor = shown_str(r->lead_sponsor, pp, &bytes);
		for (k = 0; k < nc; k++)
			sh->conditions[k] = shown_str(r->conditions[k], pp,
			    &bytes);
		for (k = 0; k < ni; k++)
			sh->interventions[k] = shown_str(r->interventions[k],
			    pp, &bytes);
	}
	snprintf(sh->nct_id, sizeof(sh->nct_id), "%s", r->nct_id);
	sh->bytes = bytes;
	sh->n_conditions = r->n_conditions;
	sh->n_interventions = r->n_interventions;
	sh->enrollment = r->enrollment;
	return 0;
}

/* "the page describes "A", "B"; the registry record NCT... is "T" (...)" */
static void
mismatch_evidence(const struct judge *j, const struct shown *r,
    struct ebuf *b)
{
	ebuf_str(b, "the page describes ");
	show_found(b, &j->pf, NULL);
	ebuf_str(b, "; the registry record ");
	ebuf_str(b, r->nct_id);
	ebuf_str(b, " is ");
	ebuf_quote(b, r->title, strlen(r->title), SHOW_TITLE);
	ebuf_str(b, " (conditions: ");
	show_list(b, r->conditions, r->n_conditions);
	ebuf_str(b, "; interventions: ");
	show_list(b, r->interventions, r->n_interventions);
	if (r->sponsor) {
		ebuf_str(b, "; sponsor: ");
		ebuf_cut(b, r->sponsor, strlen(r->sponsor), SHOW_NAME, "");
	}
	ebuf_str(b, "): no condition, intervention, title or sponsor word in "
	    "common");
}

static void
match_evidence(const struct judge *j, const struct shown *r, struct ebuf *b)
{
	const struct found *shown[SHOW_TERMS];
	size_t c, k, m, n = 0, n_shown = 0;

	ebuf_str(b, "the page agrees with the registry record ");
	ebuf_str(b, r->nct_id);
	ebuf_str(b, " (");
	ebuf_quote(b, r->title, strlen(r->title), SHOW_TITLE);
	ebuf_str(b, "):");
	if (j->acronym) {
		ebuf_str(b, n++ ? ", acronym " : " acronym ");
		ebuf_cut(b, r->acronym, strlen(r->acronym), SHOW_NAME, "");
	}
	for (c = 0; c < NCONCEPTS && n < SHOW_TERMS; c++) {
		if (!j->page_has[c] || !j->r->has[c] || j->surf[c] == NULL)
			continue;
		/*
		 * A broader concept comes with the words of a narrower one;
		 * "BM-MSC" is two concepts in the same words.
		 */
		if (shown_within(shown, n_shown, j->surf[c]))
			continue;
		shown[n_shown++] = j->surf[c];
		ebuf_str(b, n++ ? ", " : " ");
		ebuf_quote(b, j->surf[c]->s, j->surf[c]->len, SURFACE_MAX);
	}
	for (k = 0; k < j->n_shared_words && k < SHOW_TERMS && n < SHOW_TERMS;
	    k++) {
		const struct tok *t = j->shared_words[k];

		/* Already shown as (part of) a concept's words. */
		for (m = 0; m < n_shown; m++)
			if (t->s >= shown[m]->s &&
			    t->s + t->len <= shown[m]->s + shown[m]->len)
				break;
		if (m < n_shown)
			continue;
		ebuf_str(b, n++ ? ", " : " ");
		ebuf_quote(b, j->shared_words[k]->s, j->shared_words[k]->len,
		    SURFACE_MAX);
	}
	if (j->enrollment)
		ebuf_add(b, "%s enrollment %ld", n++ ? "," : "", r->enrollment);
}

struct identity *
identity_new(const struct identity_opts *o)
{
	struct identity *id;

	if ((id = calloc(1, sizeof(*id))) == NULL)
		return NULL;
	id->min_terms = o ? o->min_terms : IDENTITY_MIN_TERMS;
	if (tables_init(&id->tb) < 0) {
		free(id);
		return NULL;
	}
	return id;
}

void
identity_free(struct identity *id)
{
	if (id == NULL)
		return;
	tables_free(&id->tb);
	free(id);
}

struct identity_record *
identity_record_new(const struct identity *id, const struct study *rec)
{
	struct identity_record *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if (shown_copy(&r->show, rec) < 0 || read_record(r, &id->tb, rec) < 0 ||
	    read_acronym(r) < 0) {
		identity_record_free(r);
		return NULL;
	}
	if (rec->enrollment >= MIN_ENROLLMENT) {
		snprintf(r->num, sizeof(r->num), "%ld", rec->enrollment);
		r->num_h = word_hash(r->num, strlen(r->num));
	}
	return r;
}

/*
 * A packed record's layout: the struct, its acronym's tokens, the word
 * slots, then the bytes (words, then what the evidence quotes).  The
 * first three are 8-, 8- and 4-byte aligned in that order.
 */
#define ALIGN8(n) (((n) + 7u) & ~(size_t)7u)

size_t
identity_record_size(const struct identity_record *r)
{
	return ALIGN8(sizeof(*r)) + ALIGN8(r->acronym.n * sizeof(*r->acronym.v)) +
	    r->words.bytes + r->show.bytes;
}

/* p moved from the block at `from` to the one at `to`; NULL stays NULL. */
static const char *
moved(const char *p, const char *from, char *to)
{
	return p ? to + (p - from) : NULL;
}

const struct identity_record *
identity_record_pack(const struct identity_record *r, void *buf)
{
	struct identity_record *p = buf;
	char *at = (char *)buf + ALIGN8(sizeof(*r));
	size_t k, n_slots = r->words.v ? r->words.mask + 1 : 0;
	size_t text = r->words.bytes - n_slots * sizeof(*r->words.v);

	*p = *r;
	p->acronym.v = r->acronym.n ? (struct tok *)at : NULL;
	p->acronym.cap = r->acronym.n;
	if (r->acronym.n)
		memcpy(at, r->acronym.v, r->acronym.n * sizeof(*r->acronym.v));
	at += ALIGN8(r->acronym.n * sizeof(*r->acronym.v));
	if (n_slots) {
		p->words.v = (struct wslot *)at;
		memcpy(at, r->words.v, n_slots * sizeof(*r->words.v));
		at += n_slots * sizeof(*r->words.v);
		p->words.text = memcpy(at, r->words.text, text);
		at += text;
	}
	p->show.buf = memcpy(at, r->show.buf, r->show.bytes);
	p->show.title = moved(r->show.title, r->show.buf, p->show.buf);
	p->show.acronym = moved(r->show.acronym, r->show.buf, p->show.buf);
	p->show.sponsor = moved(r->show.sponsor, r->show.buf, p->show.buf);
	for (k = 0; k < SHOW_LIST; k++) {
		p->show.conditions[k] = moved(r->show.conditions[k],
		    r->show.buf, p->show.buf);
		p->show.interventions[k] = moved(r->show.interventions[k],
		    r->show.buf, p->show.buf);
	}
	/* The acronym's tokens point into its text, in show.buf. */
	for (k = 0; k < r->acronym.n; k++)
		p->acronym.v[k].s = moved(r->acronym.v[k].s, r->show.buf,
		    p->show.buf);
	return p;
}

void
identity_record_free(struct identity_record *r)
{
	if (r == NULL)
		return;
	free(r->words.v);
	free(r->words.text);
	free(r->acronym.v);
	free(r->show.buf);
	free(r);
}

int
identity_judge_record(const struct identity *id,
    const struct identity_record *r, const char *context, size_t len,
    struct identity_verdict *out)
{
	struct judge j;
	struct ebuf ev = {0};
	const struct shown *rec;
	unsigned min_terms = id->min_terms;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&j, 0, sizeof(j));
	if (min_terms == 0 || r == NULL) {
		ebuf_add(&ev, min_terms == 0 ? "identity check turned off" :
		    "no registry record to compare with");
		goto done;
	}
	rec = &r->show;
	j.tb = &id->tb;
	j.r = r;
	if (tokenize(context ? context : "", context ? len : 0, '\n',
	    &j.page) < 0)
		goto out;
	index_words(j.tb, &j.page);
	if (mark_multi(&j) < 0 || find_concepts(j.tb, &j.page, &j.pf) < 0 ||
	    find_places(&j.page, &j.pf) < 0)
		goto out;
	find_acronym(&j);
	if (j.pf.n > 1)
		qsort(j.pf.v, j.pf.n, sizeof(*j.pf.v), found_cmp);
	find_enrollment(&j);
	compare(&j);
	out->page_terms = j.terms;
	out->shared = shared_concepts(&j) + (unsigned)j.n_shared_words +
	    j.acronym + j.enrollment;

	if (r->words.v == NULL && !r->concepts) {
		out->outcome = IDENTITY_UNKNOWN;
		ebuf_add(&ev, "the registry record %s gives no title, condition "
		    "or intervention to compare with", rec->nct_id);
	} else if (out->shared > 0) {
		out->outcome = IDENTITY_MATCH;
		match_evidence(&j, rec, &ev);
	} else if (j.terms >= min_terms && j.cond_or_interv) {
		out->outcome = IDENTITY_MISMATCH;
		mismatch_evidence(&j, rec, &ev);
	} else {
		out->outcome = IDENTITY_UNKNOWN;
		ebuf_add(&ev, "too little said about %s to compare: %u "
		    "descriptive term%s", rec->nct_id, j.terms,
		    j.terms == 1 ? "" : "s");
		if (j.terms > 0) {
			ebuf_add(&ev, " (");
			show_found(&ev, &j.pf, j.multi);
			ebuf_add(&ev, ")");
		}
		ebuf_add(&ev, ", %u needed, at least one a condition or "
		    "intervention", min_terms);
		if (j.uncounted)
			ebuf_add(&ev, "; blocks that name other trials too are "
			    "not counted");
	}
done:
	if (ev.failed)
		goto out;
	out->evidence = ev.s;
	ev.s = NULL;
	rc = 0;
out:
	free(ev.s);
	judge_finish(&j);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

int
identity_judge(const struct identity *id, const char *context, size_t len,
    const struct study *rec, struct identity_verdict *out)
{
	struct identity_record *r = NULL;
	int rc;

	/* Nothing to prepare when the verdict cannot look at the record. */
	if (id->min_terms > 0 && rec != NULL &&
	    (r = identity_record_new(id, rec)) == NULL) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	rc = identity_judge_record(id, r, context, len, out);
	identity_record_free(r);
	return rc;
}

void
identity_verdict_finish(struct identity_verdict *v)
{
	if (v == NULL)
		return;
	free(v->evidence);
	v->evidence = NULL;
}

const char *
identity_outcome_name(enum identity_outcome o)
{
	switch (o) {
	case IDENTITY_MATCH:
		return "match";
	case IDENTITY_MISMATCH:
		return "mismatch";
	case IDENTITY_UNKNOWN:
		break;
	}
	return "unknown";
}

/* ------------------------------------------------------- citation claim */

/* Excerpts, as claims.c keeps them: at most this many bytes in all. */
#define EXCERPT_MAX 200
#define ELLIPSIS "\xe2\x80\xa6"

/* Back up to the start of the UTF-8 character at s[k]. */
static size_t
char_start(const char *s, size_t k)
{
	while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
		k--;
	return k;
}

int
identity_claim(const struct mention *m, struct claim *out)
{
	const char *ctx = m->context, *end = ctx + m->context_len;
	const char *blk = ctx, *p, *nl;
	size_t blen, from = 0, to, pre, post;
	char *ex;

	memset(out, 0, sizeof(*out));
	/* The first block that names the ID; else the first block. */
	for (p = ctx; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (memmem(p, (size_t)(nl - p), m->nct_id, strlen(m->nct_id))) {
			blk = p;
			break;
		}
	}
	nl = memchr(blk, '\n', (size_t)(end - blk));
	blen = (size_t)((nl ? nl : end) - blk);
	to = blen;
	if (blen > EXCERPT_MAX) {
		const char *id = memmem(blk, blen, m->nct_id, strlen(m->nct_id));
		size_t at = id ? (size_t)(id - blk) : 0;

		/* A third of the room before the ID, the rest after it. */
		if (at > EXCERPT_MAX / 3)
			from = char_start(blk, at - EXCERPT_MAX / 3);
		pre = from > 0 ? strlen(ELLIPSIS) : 0;
		post = strlen(ELLIPSIS);
		to = from + EXCERPT_MAX - pre - post;
		if (to >= blen) {
			to = blen;
			post = 0;
			if (to - from + pre > EXCERPT_MAX)
				from = char_start(blk, to - (EXCERPT_MAX - pre));
		} else
			to = char_start(blk, to);
	} else
		pre = post = 0;
	if ((ex = malloc(pre + (to - from) + post + 1)) == NULL)
		return -1;
	memcpy(ex, ELLIPSIS, pre);
	memcpy(ex + pre, blk + from, to - from);
	memcpy(ex + pre + (to - from), ELLIPSIS, post);
	ex[pre + (to - from) + post] = '\0';
	if ((out->phrase = strdup(m->nct_id)) == NULL) {
		free(ex);
		return -1;
	}
	out->excerpt = ex;
	snprintf(out->nct_id, sizeof(out->nct_id), "%s", m->nct_id);
	out->kind = CLAIM_MENTION;
	out->line = m->line;
	return 0;
}
