/*!40101 SET NAMES binary*/;
/*!40014 SET FOREIGN_KEY_CHECKS=0*/;

/*!40103 SET TIME_ZONE='+00:00' */;
CREATE TABLE `products` (
  `sku` char(12) NOT NULL,
  `variant` smallint(6) NOT NULL,
  `title` varchar(200) NOT NULL,
  `price` double NOT NULL,
  `weight_kg` float DEFAULT NULL,
  `tags` set('new','sale','eco','bulk') NOT NULL DEFAULT '',
  `released` year(4) DEFAULT NULL,
  `flags` bit(8) NOT NULL DEFAULT b'0',
  `attrs` json DEFAULT NULL,
  `thumb` varbinary(16) DEFAULT NULL,
  PRIMARY KEY (`sku`,`variant`),
  KEY `idx_title` (`title`(20))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
